"""Test events for invokes: saved per function, from a SAM project, generated for common triggers.

Pure Python (no Textual, no boto3): the editor, the invoke screen and `stackview invoke` share
it. Shareable events live in AWS and are in `stackview.aws.shared_events`.
"""
