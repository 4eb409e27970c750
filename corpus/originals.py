"""The original files, kept beside the corpus so that its pages can be shown after the files move.

`NAME.db` keeps each ingested file (and each attachment or archive member) as
`NAME.originals/ab/abcdef...` (its SHA-256, which is also its document id): a hard link to the
source file where the filesystem allows, a copy otherwise. Written by ingest workers; a file is
first written under a temporary name and renamed, so a reader never sees half of one."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

SHA256 = re.compile(r"[0-9a-f]{64}")


def folder(corpus_path: str | Path) -> Path:
    path = Path(corpus_path)
    return path.with_name(path.stem + ".originals")


def kept_path(corpus_path: str | Path, doc_id: str) -> Path:
    if not SHA256.fullmatch(doc_id):
        raise ValueError(f"not a document id: {doc_id[:80]!r}")
    return folder(corpus_path) / doc_id[:2] / doc_id


def keep(corpus_path: str | Path, doc_id: str, data: bytes, source: str | Path | None = None) -> Path:
    """Keep `data` (whose SHA-256 is `doc_id`); link `source` when it holds exactly these bytes."""
    target = kept_path(corpus_path, doc_id)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        try:
            os.link(source, target)
            if hashlib.sha256(target.read_bytes()).hexdigest() == doc_id:
                return target
            target.unlink()          # the file changed since it was read: keep the bytes read instead
        except OSError:
            pass                     # another filesystem, or links not allowed: copy
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
