"""Word 97-2003 `.doc`, Excel `.xls` and PowerPoint `.ppt`, through catdoc's programs.

These OLE2 files are common as attachments in released email. catdoc (`apt-get install
catdoc`) reads them: `catdoc` for Word, `xls2csv` for Excel (one sheet after another,
separated by form feeds, which become page breaks), `catppt` for PowerPoint.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from corpus.records import Document
from ingest.detect import MSWORD, MSEXCEL, MSPOWERPOINT
from ingest.errors import IngestError
from ingest.loaders.base import Loader
from ingest.loaders.text import paginate

PROGRAMS = {MSWORD: ["catdoc", "-w", "-d", "utf-8"], MSEXCEL: ["xls2csv", "-d", "utf-8"],
            MSPOWERPOINT: ["catppt", "-d", "utf-8"]}
KINDS = {MSWORD: "Word .doc", MSEXCEL: "Excel .xls", MSPOWERPOINT: "PowerPoint .ppt"}
BY_EXTENSION = {".doc": MSWORD, ".xls": MSEXCEL, ".ppt": MSPOWERPOINT}
TIMEOUT = 120


class LegacyOfficeLoader(Loader):
    MEDIA_TYPES = (MSWORD, MSEXCEL, MSPOWERPOINT)
    EXTENSIONS = tuple(BY_EXTENSION)

    def load(self, data: bytes, doc: Document) -> Document:
        media_type = doc.media_type if doc.media_type in PROGRAMS else BY_EXTENSION[Path(doc.file_name).suffix.lower()]
        command, kind = PROGRAMS[media_type], KINDS[media_type]
        if shutil.which(command[0]) is None:
            raise IngestError(f"{kind} files need catdoc, which is not installed (apt-get install catdoc)")
        # the programs read a named file; they get a private copy, never the user's path
        with tempfile.NamedTemporaryFile(suffix=Path(doc.file_name).suffix or ".bin") as tmp:
            tmp.write(data)
            tmp.flush()
            try:
                proc = subprocess.run([*command, tmp.name], capture_output=True, timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                raise IngestError(f"{command[0]} took longer than {TIMEOUT} s on this {kind} file")
        text = proc.stdout.decode("utf-8", "replace")
        if proc.returncode != 0 or not text.strip():
            reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise IngestError(f"not a readable {kind} file ({reason[-1] if reason else 'no text came out'})")
        doc.pages = paginate(text)
        return doc
