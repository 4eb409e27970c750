"""What can be wrong with a corpus or the disk it lives on, one class per kind of fault.

The library raises these where the fault is found; the command line turns each into one line
(the file, what is wrong, the command that fixes it) and the exit code below. `classify` turns
the raw errors SQLite, FAISS and the OS raise into these classes, so a fault found deep inside
a stage still reaches the user as one line.
"""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path


class CorpusError(RuntimeError):
    """A fault the user must act on. `path` is the file it concerns, `fix` what to run."""
    exit_code, what = 10, "other fault of the corpus or its files"

    def __init__(self, path: str | Path | None, problem: str, fix: str = ""):
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return " ".join(f"{where}{self.problem}{f'; {self.fix}' if self.fix else ''}".split())


class CorpusMissing(CorpusError):
    # 2, as for any argument that points nowhere (and as before this module existed)
    exit_code, what = 2, "usage: bad option, no such file, no corpus at the path given"


class CorpusDamaged(CorpusError):
    exit_code, what = 3, "the corpus database is damaged"


class NotACorpus(CorpusError):
    exit_code, what = 4, "the file given as --corpus is not a readingroom corpus"


class CorpusTooNew(CorpusError):
    exit_code, what = 5, "the corpus was made by a newer readingroom"


class VectorFileError(CorpusError):
    exit_code, what = 6, "the vector index (.faiss) is missing, damaged, or of another dimension or model"


class NotWritable(CorpusError):
    exit_code, what = 7, "the corpus or its folder cannot be written"


class DiskFull(CorpusError):
    exit_code, what = 8, "the disk is full (or a file size limit is reached)"


class CorpusBusy(CorpusError):
    exit_code, what = 9, "another command is writing to the corpus"


UNEXPECTED_EXIT = 11    # a bug: the one line says to run again with --debug
CHECK_FAILED_EXIT = 1   # `check` (and `index check`) found problems
INTERRUPTED_EXIT = 130

# every exit code with its meaning, for the README and tests
EXIT_CODES = {0: "success", CHECK_FAILED_EXIT: "`check` found problems",
              **{cls.exit_code: cls.what for cls in (CorpusMissing, CorpusDamaged, NotACorpus, CorpusTooNew,
                                                     VectorFileError, NotWritable, DiskFull, CorpusBusy,
                                                     CorpusError)},
              UNEXPECTED_EXIT: "an unexpected error (a bug): run again with --debug and report it",
              INTERRUPTED_EXIT: "interrupted (Ctrl-C): run the same command again to finish"}

SQLITE_MAGIC = b"SQLite format 3\x00"
RERUN = "free space, then run the same command again (nothing stored is lost)"


def looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def classify(err: BaseException, corpus_path: str | Path | None) -> CorpusError | None:
    """The CorpusError a raw SQLite, FAISS or OS error means, or None for a bug."""
    if isinstance(err, CorpusError):
        return err
    path = Path(corpus_path) if corpus_path else None
    folder = str(path.parent) if path else None
    if isinstance(err, OSError):
        where = err.filename or folder
        if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return DiskFull(where, "no space left on the disk (or the file size limit is reached)", RERUN)
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST):
            return NotWritable(where, f"cannot write here ({err.strerror})",
                               "fix its permissions, or pass --corpus a path in a folder you can write to")
        return None
    if isinstance(err, sqlite3.Error):
        text = str(err).lower()
        if "disk is full" in text or "disk i/o error" in text and _no_space(path):
            return DiskFull(path, "the disk is full (SQLite could not write)", RERUN)
        if "readonly" in text or "unable to open" in text or "access permission denied" in text:
            return NotWritable(path, f"cannot write the corpus ({err})",
                               "fix the permissions of the file and its folder, or pass --corpus another path")
        if "disk i/o" in text:      # a write the OS refused; not damage by itself
            return CorpusError(path, f"the disk refused a write or read ({err})",
                               "check the disk (dmesg), then run the same command again")
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            if path and path.exists() and not looks_like_sqlite(path):
                return not_a_corpus(path)
            return CorpusDamaged(path, f"the database is damaged ({err})", DAMAGED_FIX)
        if "locked" in text or "busy" in text:
            return CorpusBusy(path, "another program holds the database", "wait for it to finish, then run again")
        return None
    if isinstance(err, RuntimeError) and "faiss" in str(err).lower():
        # FAISS reports the OS's reason in its message: "write error in X: 1 != 2 (File too large)"
        text = str(err)
        vectors = path.with_suffix(".faiss") if path else None
        if any(s in text for s in ("No space left", "File too large", "Disk quota")):
            return DiskFull(vectors, "no space left to write the vector index", RERUN)
        if any(s in text for s in ("Permission denied", "Read-only file system")):
            return NotWritable(vectors, "cannot write the vector index (permission denied)",
                               "fix the folder's permissions, or pass --corpus a path in a folder you can write to")
        return VectorFileError(vectors, f"the vector index failed ({text.splitlines()[-1][:160]})", REBUILD)
    return None


DAMAGED_FIX = ("`readingroom check` says what is damaged and `readingroom repair` rebuilds what it can; "
               "otherwise restore a backup or ingest again into a new corpus")
REBUILD = "run `readingroom index rebuild` (or `readingroom repair`)"


def not_a_corpus(path: Path) -> NotACorpus:
    return NotACorpus(path, "not a readingroom corpus (not an SQLite database)",
                      "pass --corpus the .db file readingroom made")


def _no_space(path: Path | None) -> bool:
    """SQLite says only "disk I/O error" when a write fails with EFBIG or, at times, ENOSPC."""
    import resource
    import shutil
    if resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY:
        return True
    try:
        return shutil.disk_usage(path.parent if path else ".").free < 1 << 20
    except OSError:
        return False
