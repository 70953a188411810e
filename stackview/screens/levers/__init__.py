"""The levers from the UI: the steps every lever follows (`runner.py`), the dialog asking for a
value (`dialog.py`), and the flows of the function, alias and stack levers."""
