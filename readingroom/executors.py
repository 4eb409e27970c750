"""How units of work are spread: one small interface, two engines.

An executor runs `func(unit)` in workers that ran `init(*init_args)` once (loading the models),
and hands back `(unit, result)` as units finish, in any order; a unit whose worker died, hung or
ran out of memory comes back as a `supervised.Lost`. Units may be submitted while results are
being read (a split file adds its page ranges). The caller stays the only writer.

- `LocalPool` (the default): worker processes on this machine under `readingroom.supervised`
  (a time limit without progress, a memory ceiling).
- `ray_engine.RayPool`: Ray actors on a cluster (`--cluster ray://HOST:PORT`, `HOST:PORT`, or
  `auto` for a Ray on this machine); Ray is the optional extra `readingroom[ray]`.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Iterator, Protocol

from readingroom.supervised import Supervisor


class ClusterUnavailable(RuntimeError):
    """--cluster was asked for and cannot be had (no Ray installed, no cluster at the address)."""


class Executor(Protocol):
    name: str
    keeps_originals_here: bool      # can workers write beside the corpus (the same filesystem)?
    threads: int                    # threads each worker may use (for the encoder)

    def start(self, init: Callable, init_args: tuple, func: Callable,
              timeout: float | None, memory_mb: int | None) -> None: ...

    def submit(self, unit: Any, urgent: bool = False) -> None: ...

    def results(self) -> Iterator[tuple[Any, Any]]: ...

    def close(self) -> None: ...


class LocalPool:
    """Worker processes on this machine, started as work needs them, up to `workers`."""
    name = "local"
    keeps_originals_here = True

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self.threads = max(1, (os.cpu_count() or 1) // self.workers)
        self.pool: Supervisor | None = None

    def start(self, init, init_args, func, timeout, memory_mb) -> None:
        self.pool = Supervisor(self.workers, init, init_args, func, timeout, memory_mb)

    def submit(self, unit, urgent: bool = False) -> None:
        self.pool.submit(unit, urgent)

    def results(self):
        return self.pool.results()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


def open_executor(cluster: str | None, workers: int) -> Executor:
    """The local pool, or Ray at `cluster` (`auto`: a Ray on this machine, with `workers` CPUs)."""
    if not cluster:
        return LocalPool(workers)
    try:
        from readingroom.ray_engine import RayPool
    except ImportError as err:
        raise ClusterUnavailable(f"--cluster needs Ray: pip install 'readingroom[ray]' ({err})") from None
    return RayPool(cluster, workers)
