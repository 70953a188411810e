"""Blocking work off the UI thread: the one way stackview runs it.

boto3 calls, tail start-ups and file writes block, and the UI thread must never wait on them.
`Background` is mixed into the app, a screen or a widget; `run_in_thread(job, work, done)`:
- runs `work()` in a thread worker;
- hands its result to `done(result)` on the UI thread, through a message (`post_message` is the
  thread-safe way back; `call_from_thread` would hold the worker until the UI runs, and fail once
  the app has gone);
- turns a failure into a `UserError` described by the app (`describe_error`, which knows the
  profile in use, so a hint names `--profile X`) and hands it to `failed(error)`: by default a
  notification, for a panel its own error line;
- drops the answer of a job that was asked for again since (a thread worker cannot be cancelled,
  so without a generation counter a stale answer would land after a fresh one); `forget(job)`
  drops the pending answer on purpose (the screen moved on). A result that holds resources (a
  running tail) is handed to `discard` when it is dropped, or when its owner is gone before it
  arrives, so nothing is left running that nobody will stop;
- treats an exception raised by `done` (a bug drawing the result, a duplicate row key) like a
  failed fetch: it goes to `failed`, so one bad row stays in its panel instead of ending the app;
- with `each`, hands over results as they come: `work()` returns an iterable (pages of a listing,
  batches of a sweep), every item goes to `each(item)` on the UI thread as soon as it is there,
  and `done` gets the last one; asking for the job again stops the old iteration at its next item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from textual.message import Message

from stackview.aws.errors import UserError
from stackview.widgets.host import Host, host

T = TypeVar("T")

#: What `failed` receives: the error, described for a person.
FailureHandler = Callable[[UserError], None]


class Background:
    """Mixin for a Textual MessagePump (App, Screen, Widget) that runs blocking work."""

    @dataclass
    class Done(Message, bubble=False):
        """A job's outcome, posted from its thread; `deliver` runs on the UI thread."""

        job: str
        generation: int
        deliver: Callable[[], None]
        failed: FailureHandler
        discard: Callable[[], None] | None = None

    @property
    def host(self) -> Host:
        return host(self)  # type: ignore[arg-type]

    def _generations(self) -> dict[str, int]:
        generations = self.__dict__.get("_background_generations")
        if generations is None:
            generations = self.__dict__["_background_generations"] = {}
        return generations

    def run_in_thread(self, job: str, work: Callable[[], T], done: Callable[[T], None] | None = None,
                      *, failed: FailureHandler | None = None, discard: Callable[[T], None] | None = None,
                      each: Callable[[Any], None] | None = None) -> None:
        """Run `work()` in a thread; then `done(result)` or `failed(error)` on the UI thread,
        unless `job` was started again (or forgotten) meanwhile: then `discard(result)`.
        With `each`, `work()` returns an iterable whose items go to `each` as they come and
        `done` receives the last item (None if there was none)."""
        generations = self._generations()
        generation = generations[job] = generations.get(job, 0) + 1
        on_failure = failed or self._notify_failure
        post = self.post_message  # type: ignore[attr-defined]

        def stream() -> Any:
            last = None
            for item in work():  # type: ignore[attr-defined]
                if generations.get(job) != generation:
                    return None  # asked for again: the newer job takes over
                last = item
                post(self.Done(job, generation, lambda item=item: each(item), on_failure))  # type: ignore[misc]
            return last

        def body() -> None:
            try:
                result = stream() if each is not None else work()
            except Exception as exc:  # noqa: BLE001 - every failure is handed to `failed`
                error = exc
                post(self.Done(job, generation, lambda: on_failure(self._describe(error)), on_failure))
                return
            drop = (lambda: discard(result)) if discard is not None else None
            if not post(self.Done(job, generation, lambda: done(result) if done is not None else None,
                                  on_failure, drop)) and drop is not None:
                drop()  # the owner is gone: nobody will take the result

        self.run_worker(body, thread=True, group=f"background:{job}",  # type: ignore[attr-defined]
                        exit_on_error=False)

    def forget(self, job: str) -> None:
        """Drop the answer of `job` if it is still on its way."""
        generations = self._generations()
        generations[job] = generations.get(job, 0) + 1

    def on_background_done(self, message: Done) -> None:
        message.stop()
        if self._generations().get(message.job) != message.generation:
            if message.discard is not None:
                message.discard()
            return
        try:
            message.deliver()
        except Exception as exc:  # noqa: BLE001 - a failure drawing a result stays where it belongs
            self.log.error(f"{type(self).__name__}: {message.job} failed on the UI thread: {exc!r}")  # type: ignore[attr-defined]
            message.failed(self._describe(exc))

    def _describe(self, exc: BaseException) -> UserError:
        return self.host.describe_error(exc)

    def _notify_failure(self, error: UserError) -> None:
        self.host.notify_error(error.one_line())
