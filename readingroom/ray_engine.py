"""The Ray engine: the same units as the local pool, run by Ray actors on a cluster.

Each actor takes one CPU, loads the models once (`init`) and runs one unit at a time; the driver
gives each actor one unit at a time and reads each result as it comes, so it never holds more
than one result per actor (back-pressure). An actor that dies mid-unit (its process killed, its
node lost) is replaced by a new one and the unit comes back as `Lost("crashed")`: the driver
retries it. The time limit is the local pool's: no progress (a page OCR'd, a slice of passages
embedded) for `timeout` seconds, asked of the actor itself; an actor past it is killed and
replaced. `--max-memory` is not applied here: a Ray worker maps the object store, so an address
space ceiling would stop it; Ray's own memory monitor stops a task that would exhaust a node.

Workers read the files from their path (shared storage) and import readingroom from their own
install; the driver's checkout is put on their PYTHONPATH too, for a cluster on one machine.
"""
from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path

import ray
from ray.exceptions import GetTimeoutError, OutOfMemoryError, RayActorError, RayTaskError

from readingroom.supervised import Lost

CHECK_EVERY = 5.0            # seconds between looks at the clock while waiting
SOURCE = str(Path(__file__).resolve().parent.parent)


@ray.remote(num_cpus=1, max_restarts=0, concurrency_groups={"control": 1})
class UnitActor:
    def __init__(self, init, init_args: tuple, func):
        init(*init_args)
        import ingest.ocr
        self.func = func
        self.last = time.monotonic()
        ingest.ocr.progress = self._beat       # what the local pool's beat() does, kept here

    def _beat(self) -> None:
        self.last = time.monotonic()

    def run(self, unit):
        self.last = time.monotonic()
        return self.func(unit)

    @ray.method(concurrency_group="control")
    def idle_for(self) -> float:
        return time.monotonic() - self.last

    @ray.method(concurrency_group="control")
    def pid(self) -> int:
        return os.getpid()


class RayPool:
    name = "ray"
    keeps_originals_here = False      # an actor may run on a machine without the corpus
    threads = 1                       # an actor is one CPU

    def __init__(self, address: str, workers: int | None = None):
        self.address = address
        self.workers = workers
        self.todo: deque = deque()
        self.running: dict = {}        # ObjectRef -> [slot, unit, deadline, started]
        self.actors: list = []
        self.idle: list[int] = []

    # -- starting ---------------------------------------------------------------------------

    def _connect(self) -> None:
        if ray.is_initialized():
            return
        runtime_env = {"env_vars": {"PYTHONPATH": os.pathsep.join(
            p for p in (SOURCE, os.environ.get("PYTHONPATH")) if p),
            "OMP_THREAD_LIMIT": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false"}}
        common = dict(runtime_env=runtime_env, log_to_driver=False, logging_level="warning")
        if self.address in ("auto", "local"):
            try:                       # a Ray already running on this machine, else a new one
                ray.init(address="auto", **common)
            except ConnectionError:
                ray.init(address="local", num_cpus=self.workers or os.cpu_count() or 1,
                         include_dashboard=False, **common)
        else:
            try:
                ray.init(address=self.address, **common)
            except (ConnectionError, ValueError, RuntimeError) as err:
                from readingroom.executors import ClusterUnavailable
                raise ClusterUnavailable(f"no Ray cluster at {self.address}: {_first_line(err)}") from None

    def start(self, init, init_args, func, timeout, memory_mb) -> None:
        self._connect()
        self.spec = (init, init_args, func)
        self.timeout = timeout
        n = max(1, int(ray.cluster_resources().get("CPU", 1)))        # an actor per CPU of the cluster
        self.actors = [self._new_actor() for _ in range(n)]
        self.idle = list(range(n))

    def _new_actor(self):
        return UnitActor.remote(*self.spec)

    # -- running ----------------------------------------------------------------------------

    def submit(self, unit, urgent: bool = False) -> None:
        (self.todo.appendleft if urgent else self.todo.append)(unit)

    def results(self):
        while self.todo or self.running:
            while self.todo and self.idle:
                slot, unit = self.idle.pop(), self.todo.popleft()
                now = time.monotonic()
                self.running[self.actors[slot].run.remote(unit)] = [slot, unit, now + (self.timeout or 1e9), now]
            ready, _ = ray.wait(list(self.running), num_returns=1, timeout=CHECK_EVERY)
            for ref in ready:
                slot, unit, _, _ = self.running.pop(ref)
                yield unit, self._result(ref, slot)
                self.idle.append(slot)
            for ref, (slot, unit, deadline, _) in list(self.running.items()):
                if time.monotonic() > deadline and self._stalled(ref, slot):
                    del self.running[ref]
                    self._replace(slot)
                    self.idle.append(slot)
                    yield unit, Lost("timeout", f"no progress for {self.timeout:g} s: stopped "
                                                "(raise --timeout if it needs longer)")

    def _result(self, ref, slot: int):
        try:
            return ray.get(ref)
        except OutOfMemoryError as err:
            self._replace(slot)
            return Lost("memory", f"Ray's memory monitor stopped the worker ({_first_line(err)})")
        except RayActorError as err:
            self._replace(slot)
            return Lost("crashed", f"the Ray worker died ({_first_line(err)})")
        except RayTaskError as err:
            cause = err.cause if getattr(err, "cause", None) is not None else err
            if isinstance(cause, MemoryError):
                return Lost("memory", "out of memory")
            return Lost("error", f"{type(cause).__name__}: {_first_line(cause)}")

    def _stalled(self, ref, slot: int) -> bool:
        """Past its deadline: has the actor made no progress for `timeout`? (Else move the deadline.)"""
        try:
            idle = ray.get(self.actors[slot].idle_for.remote(), timeout=30)
        except (GetTimeoutError, RayActorError):
            return True
        if idle > self.timeout:
            return True
        self.running[ref][2] = time.monotonic() + self.timeout - idle
        return False

    def _replace(self, slot: int) -> None:
        try:
            ray.kill(self.actors[slot], no_restart=True)
        except Exception:
            pass
        self.actors[slot] = self._new_actor()

    def running_units(self) -> list[tuple[object, int, float]]:
        """(unit, the pid of the process running it, seconds since it started): for tests and progress."""
        out = []
        for slot, unit, _, started in list(self.running.values()):
            try:
                pid = ray.get(self.actors[slot].pid.remote(), timeout=30)
            except Exception:
                continue
            out.append((unit, pid, time.monotonic() - started))
        return out

    def close(self) -> None:
        for actor in self.actors:
            try:
                ray.kill(actor, no_restart=True)
            except Exception:
                pass
        self.actors, self.running, self.idle = [], {}, []
        if ray.is_initialized():
            ray.shutdown()


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:300] if text else type(err).__name__
