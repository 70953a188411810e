"""`python -m stackview.demo.server`: the demo server process that DemoServer starts."""

import logging

from stackview.demo.server.endpoint import main

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    main()
