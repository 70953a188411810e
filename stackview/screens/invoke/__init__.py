"""The invoke screen (`screen.py`) and what it opens: the event picker, the name prompt, the
history of this session's invokes; the result pane is `result.py`."""
