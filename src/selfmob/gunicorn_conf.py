"""gunicorn settings for `selfmob serve`.

After a worker has imported the app, its long-lived objects (modules, the catalogue,
templates) are moved out of the garbage collector's view: full collections then stop
scanning them, which cut the p95 of the heavier pages by 30-45% (bench/bench_web.py).
"""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.glogging import Logger

from selfmob.logs import RedactSecrets, redact

control_socket_disable = True


def post_worker_init(worker: Any) -> None:
    gc.collect()
    gc.freeze()


class RedactingLogger(Logger):  # type: ignore[misc]
    """The access log without the tokens of calendar, invite and password-reset links, in
    every field it may write: the request line and path, and the Referer too (a page opened
    from an invite link sends that link as the Referer of its stylesheet and scripts)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        # gunicorn's own error log names the request too ("Error handling request /invite/…").
        self.error_log.addFilter(RedactSecrets())

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}


logger_class = RedactingLogger
