"""Zip archives: members become child documents.

Members are read into memory, never written to disk, so a member named `/etc/passwd` or
`../../x` cannot land anywhere; its name is kept only as a label, cleaned. Limits on member
count and total uncompressed size stop zip bombs; sizes are counted as bytes are read, not
taken from the archive's own (forgeable) headers.
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from corpus.records import Child, Document
from ingest.errors import IngestError
from ingest.loaders.base import Loader


def safe_member_name(name: str) -> str:
    """A relative, normalised label for a member: no drive, no root, no `..`."""
    name = name.replace("\\", "/").split(":")[-1]
    parts = [p for p in posixpath.normpath("/" + name).split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "unnamed"


class ZipLoader(Loader):
    MEDIA_TYPES = ("application/zip",)
    EXTENSIONS = (".zip",)

    def load(self, data: bytes, doc: Document) -> Document:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [m for m in archive.infolist() if not m.is_dir()]
        except (zipfile.BadZipFile, OSError, ValueError) as err:
            raise IngestError(f"not a readable zip archive ({err})")
        limit_count, limit_bytes = self.options.max_archive_members, self.options.max_archive_bytes
        if len(members) > limit_count:
            raise IngestError(f"zip archive has {len(members)} members, more than the limit of {limit_count}")
        total, unsafe = 0, []
        for member in members:
            if member.flag_bits & 0x1:
                raise IngestError(f"zip member {member.filename!r} is encrypted")
            label = safe_member_name(member.filename)
            if label != member.filename.replace("\\", "/"):
                unsafe.append(member.filename)
            chunks = []
            try:
                with archive.open(member) as stream:
                    while block := stream.read(1 << 20):
                        total += len(block)
                        if total > limit_bytes:
                            raise IngestError(
                                f"zip archive expands past the limit of {limit_bytes / 2**20:.0f} MiB"
                                " (a zip bomb?)")
                        chunks.append(block)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:  # zlib.error is OSError-like
                raise IngestError(f"zip member {member.filename!r} is damaged ({err})")
            except Exception as err:
                if isinstance(err, IngestError):
                    raise
                raise IngestError(f"zip member {member.filename!r} is damaged ({err})")
            doc.children.append(Child(name=label, data=b"".join(chunks)))
        doc.doc_type = "archive"
        if unsafe:
            doc.meta["unsafe_member_names"] = unsafe
        return doc
