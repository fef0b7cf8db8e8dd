"""gunicorn settings for `selfmob serve`.

After a worker has imported the app, its long-lived objects (modules, the catalogue,
templates) are moved out of the garbage collector's view: full collections then stop
scanning them, which cut the p95 of the heavier pages by 30-45% (bench/bench_web.py).
"""

from __future__ import annotations

import gc
from typing import Any

control_socket_disable = True


def post_worker_init(worker: Any) -> None:
    gc.collect()
    gc.freeze()
