"""Enter on a line of the log view: open the request it belongs to.

A mixin of `LogsScreen` (screen.py), apart because it is one flow: the view says which request
the line belongs to (`LogView.Chosen`, from the lines its buffer holds); when the buffer cannot
tell (the line's START was filtered out or is older than the window), CloudWatch is asked in a
thread (`stackview.aws.log_requests`); the request screen then opens with every line found.
"""

from __future__ import annotations

from typing import Any

from stackview.widgets.log_view import LogView


class RequestDrillDown:
    """What Enter does in the log view. Mixed into `LogsScreen` only (it relies on its `view`,
    `formatter`, `sources`, `budget`, `host`, `run_in_thread`, `notify`)."""

    view: Any
    formatter: Any
    sources: list[Any]
    budget: Any
    host: Any

    def on_log_view_chosen(self, event: LogView.Chosen) -> None:
        request_id = event.request_id
        if not request_id:
            # The buffer does not hold the START of the line's stream (a filter kept it out, or it
            # is older than the window): CloudWatch is asked, in a thread.
            from stackview.aws.log_requests import request_of_line

            session, line = self.host.session, event.event
            self.notify("Looking up the request of this line in its log stream ...", timeout=2)
            self.run_in_thread("request-of-line", lambda: request_of_line(session, line),
                               lambda found: self._request_found(*found))
            return
        self._open_request(request_id, [])

    def _request_found(self, request_id: str | None, lines: list[Any]) -> None:
        if not request_id:
            self.notify("This line belongs to no request: it is not between a START and an END "
                        "of its log stream", timeout=4)
            return
        self._open_request(request_id, lines)

    def _open_request(self, request_id: str, found: list[Any]) -> None:
        from stackview.logs.request import merge
        from stackview.screens.logs.request import RequestScreen

        lines = merge(self.view.request_lines(request_id), found)
        self.app.push_screen(RequestScreen(request_id, lines, self.formatter.parser,
                                           groups=[s.log_group for s in self.sources], budget=self.budget))
