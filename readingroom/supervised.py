"""Worker processes that cannot hang a batch: each unit of work runs under a time limit and a
memory ceiling, and a unit that passes either is reported, its worker replaced, the batch goes on.

`multiprocessing.Pool` cannot do this: a task whose worker is killed never returns, and
`imap` waits for it forever. Here each worker gets one job at a time over its own pipe, so the
parent always knows which job a dead or late worker held.

The clock measures time without progress: a worker may report progress (`beat()`, e.g. after
each page it OCRs), which restarts its clock, so a 500-page scan is not taken for a hang while a
loader stuck on one file is. The memory ceiling is RLIMIT_AS in the worker: Python raises
MemoryError (the loaders record it), and a library that aborts instead kills only its worker.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import resource
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator

_pipe: Connection | None = None      # in a worker: the pipe to the parent


def beat() -> None:
    """Progress in a worker (no-op elsewhere): its clock starts again."""
    if _pipe is not None:
        _pipe.send(("beat", None))


@dataclass
class Lost:
    """A job that did not come back: `reason` says why (timeout, crashed, error)."""
    kind: str
    reason: str


def _serve(pipe: Connection, init: Callable, init_args: tuple, func: Callable, memory_bytes: int | None) -> None:
    global _pipe
    try:   # die with the parent, even one killed by SIGKILL (Linux)
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    init(*init_args)
    _pipe = pipe
    pipe.send(("ready", None))
    while True:
        try:
            job = pipe.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            out = ("done", func(job))
        except MemoryError:
            out = ("lost", Lost("memory", "out of memory"))
        except Exception as err:
            out = ("lost", Lost("error", f"{type(err).__name__}: {err}"))
        try:
            pipe.send(out)
        except MemoryError:
            pipe.send(("lost", Lost("memory", "out of memory sending the result")))
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self, ctx, init, init_args, func, memory_bytes):
        self.pipe, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, init, init_args, func, memory_bytes), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.job: Any = None
        self.deadline = float("inf")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.pipe.close()


class Supervisor:
    """`run(jobs)` yields (job, result) as jobs finish, in any order; result is what `func(job)`
    returned, or a `Lost`. `init(*init_args)` runs once in each worker before its first job."""

    def __init__(self, workers: int, init: Callable, init_args: tuple, func: Callable,
                 timeout: float | None = 300, memory_mb: int | None = 4096):
        self.n = max(1, workers)
        self.spec = (init, init_args, func, memory_mb * 2**20 if memory_mb else None)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.ctx = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []
        self.todo: deque = deque()

    def _start(self) -> _Worker:
        worker = _Worker(self.ctx, *self.spec)
        worker.deadline = time.monotonic() + max(600.0, 2 * (self.timeout or 0))   # loading spaCy is not a job
        self.workers.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.workers.remove(worker)
        self._start()

    def _died(self, worker: _Worker) -> Lost:
        code = worker.process.exitcode
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            hint = f"; perhaps out of memory (ceiling {self.memory_mb} MiB)" if self.memory_mb and -code in (
                signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGKILL) else ""
            return Lost("crashed", f"the worker died ({name}){hint}")
        return Lost("crashed", f"the worker exited with code {code}")

    def submit(self, job: Any, urgent: bool = False) -> None:
        """Add a job, also while `results` runs; an urgent one goes before those waiting."""
        (self.todo.appendleft if urgent else self.todo.append)(job)

    def run(self, jobs: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        for job in jobs:
            self.submit(job)
        yield from self.results()

    def results(self) -> Iterator[tuple[Any, Any]]:
        """(job, result) for every job submitted, as each finishes, until none is left."""
        todo = self.todo
        try:
            while todo or any(w.job is not None for w in self.workers):
                while len(self.workers) < min(self.n, len(todo) + sum(w.job is not None for w in self.workers)):
                    self._start()
                for worker in list(self.workers):
                    if worker.ready and worker.job is None and todo:
                        worker.job = todo.popleft()
                        worker.pipe.send(worker.job)
                        worker.deadline = time.monotonic() + (self.timeout or float("inf"))
                now = time.monotonic()
                wait_for = max(0.0, min(w.deadline for w in self.workers) - now)
                ready = wait([w.pipe for w in self.workers] + [w.process.sentinel for w in self.workers],
                             timeout=min(wait_for, 3600))
                for worker in list(self.workers):
                    lost = None
                    if worker.pipe in ready:
                        try:
                            kind, payload = worker.pipe.recv()
                        except (EOFError, OSError):
                            worker.process.join(5)
                            kind, payload = "died", None
                        if kind == "ready":
                            worker.ready, worker.deadline = True, float("inf")
                        elif kind == "beat":
                            worker.deadline = time.monotonic() + (self.timeout or float("inf"))
                        elif kind in ("done", "lost"):
                            job, worker.job, worker.deadline = worker.job, None, float("inf")
                            yield job, payload
                        else:
                            lost = self._died(worker)
                    elif worker.process.sentinel in ready and not worker.process.is_alive():
                        lost = self._died(worker)
                    elif time.monotonic() > worker.deadline and not worker.pipe.poll():
                        lost = Lost("timeout", f"no progress for {self.timeout:g} s: stopped (raise --timeout if it needs longer)"
                                    if worker.ready
                                    else "the worker did not start")
                    if lost is not None:
                        job = worker.job
                        self._replace(worker)
                        if job is not None:
                            yield job, lost
                        elif not worker.ready:      # it could not even start: do not loop forever
                            raise RuntimeError(f"an ingest worker could not start: {lost.reason}")
        finally:
            self.close()

    def close(self) -> None:
        for worker in self.workers:
            try:
                worker.pipe.send(None)
            except (OSError, ValueError):
                pass
        for worker in self.workers:
            worker.process.join(0.5)
            worker.kill()
        self.workers = []
