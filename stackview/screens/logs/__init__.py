"""The log view (`screen.py`) and the request drill-down it opens (`request.py`)."""
