"""One writer at a time: `NAME.db.lock` beside the corpus.

A command that writes (ingest, annotate, remove, repair, index rebuild) holds an exclusive
`flock` on the lock file for as long as it runs, and writes its pid and command line into it so
that a second writer can be told who holds the corpus. The kernel drops the flock when its holder
dies, however it dies, so a lock file left by a killed process is stale by construction: the
next writer finds the flock free, says whose lock it takes over, and goes on. Readers (search,
status, check, the web app) never touch the lock: SQLite's WAL lets them read while one
writes, and every document is written in one transaction, so they never see half of one.

A second writer is refused at once, not queued: an ingest can hold a corpus for hours, and a
command that waits silently behind it looks hung.
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from corpus.errors import CorpusBusy


def lock_path(corpus_path: str | Path) -> Path:
    path = Path(corpus_path)
    return path.with_name(path.name + ".lock")


def holder(corpus_path: str | Path) -> dict | None:
    """What the lock file says (pid, command, since, host), or None."""
    try:
        return json.loads(lock_path(corpus_path).read_text() or "null")
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def writer_lock(corpus_path: str | Path, command: str | None = None,
                on_stale: Callable[[dict], None] | None = None) -> Iterator[Path]:
    """Hold the corpus for writing, or raise CorpusBusy naming the holder."""
    path = lock_path(corpus_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            found = holder(corpus_path) or {}
            who = f"pid {found.get('pid', '?')} ({found.get('command', 'another command')}, since {found.get('since', '?')})"
            raise CorpusBusy(corpus_path, f"another command is writing to this corpus: {who}",
                             "wait for it to finish, then run again; searching it meanwhile is fine") from None
        handle.seek(0)
        left = handle.read().strip()
        if left and on_stale:
            try:
                stale = json.loads(left)
            except ValueError:
                stale = {"pid": "?", "command": left[:80]}
            if not (isinstance(stale.get("pid"), int) and stale["pid"] != os.getpid() and _alive(stale["pid"])
                    and stale.get("host") == socket.gethostname()):
                on_stale(stale)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "command": command or " ".join(["readingroom", *sys.argv[1:]])[:300],
                                 "since": time.strftime("%Y-%m-%d %H:%M:%S"), "host": socket.gethostname()}))
        handle.flush()
        try:
            yield path
        finally:
            handle.seek(0)
            handle.truncate()      # an empty file: nobody holds it
            handle.flush()
    finally:
        handle.close()             # closing drops the flock
