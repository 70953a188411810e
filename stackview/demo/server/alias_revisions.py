"""UpdateAlias with optimistic locking, as Lambda does it (moto 5.2 ignores RevisionId).

On AWS every change to an alias gives it a new RevisionId, and UpdateAlias called with a
RevisionId that is no longer current fails with HTTP 412 PreconditionFailedException. moto
keeps one revision id for an alias' whole life and never checks the one it is sent, so two
people shifting a canary's weight at once would silently overwrite each other in the demo world
while AWS would refuse the second. `install()` patches moto in-process to behave like AWS; the
demo server calls it once at start-up (tests call it before starting a ThreadedMotoServer).
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any
from urllib.parse import unquote

_installed = False
#: Check-then-update must be atomic: moto's server answers requests on several threads.
_lock = threading.Lock()


def install() -> None:
    """Patch moto's LambdaAlias and LambdaResponse.update_alias (idempotent)."""
    global _installed
    if _installed:
        return
    from moto.awslambda.exceptions import PreconditionFailedException
    from moto.awslambda.models import LambdaAlias
    from moto.awslambda.responses import LambdaResponse

    original_update = LambdaAlias.update
    original_response = LambdaResponse.update_alias

    def update(self: Any, description: str | None, function_version: str | None,
               routing_config: Any) -> None:
        original_update(self, description, function_version, routing_config)
        self.revision_id = str(uuid.uuid4())

    def update_alias(self: Any) -> Any:
        try:
            params = json.loads(self.body or "{}")
        except ValueError:
            params = {}
        expected = params.get("RevisionId") if isinstance(params, dict) else None
        with _lock:
            if expected:
                function_name = unquote(self.path.rsplit("/")[-3])
                alias_name = unquote(self.path.rsplit("/", 2)[-1])
                alias = self.backend.get_alias(name=alias_name, function_name=function_name)
                if alias.revision_id != expected:
                    raise PreconditionFailedException(
                        "The Revision Id provided does not match the latest Revision Id. "
                        "Call the GetAlias API to retrieve the latest Revision Id"
                    )
            return original_response(self)

    LambdaAlias.update = update  # type: ignore[method-assign]
    LambdaResponse.update_alias = update_alias  # type: ignore[method-assign]
    _installed = True
