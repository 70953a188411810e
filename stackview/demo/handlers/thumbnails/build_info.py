"""Which build of the converter this is; the demo's packaging rewrites this file per version.

SAM deploys a new code package for each published version; the demo world does the same by
writing the version label and its feature switches here before zipping.
"""

VERSION = "dev"
FEATURES = ()
