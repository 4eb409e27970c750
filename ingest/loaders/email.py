"""Email: .eml (RFC 822) and .mbox. Headers become metadata (and, through the text, entities);
the body is the page; attachments are child documents linked to the message."""
from __future__ import annotations

import base64
import binascii
import email
import re
from urllib.parse import unquote_plus
from email import policy
from email.utils import getaddresses, parsedate_to_datetime

from corpus.records import Child, Document
from ingest.errors import IngestError
from ingest.loaders.base import Loader
from ingest.loaders.text import decode, html_to_text, paginate

B64_LINE = re.compile(r"^[A-Za-z0-9+/]+=*$")   # skips header lines a broken fold left in the body
HEADERS = ("from", "to", "cc", "bcc", "date", "subject", "message-id", "in-reply-to", "references")


def message_document(doc: Document, headers: dict[str, str], body: str, children: list[Child]) -> Document:
    """Fill `doc` from a parsed message: shared by the .eml and .msg loaders."""
    doc.meta.update({k: v for k, v in headers.items() if v})
    doc.title = headers.get("subject") or None
    doc.doc_type = "email"
    if headers.get("date"):
        try:
            doc.doc_date = parsedate_to_datetime(headers["date"]).date().isoformat()
        except (TypeError, ValueError):
            pass
    block = "\n".join(f"{name.title()}: {headers[name]}" for name in ("from", "to", "cc", "date", "subject")
                      if headers.get(name))
    attachments = "\n".join(f"Attachment: {c.name}" for c in children)
    doc.pages = paginate("\n\n".join(part for part in (block, body.strip(), attachments) if part))
    doc.children.extend(children)
    return doc


class EmailLoader(Loader):
    MEDIA_TYPES = ("message/rfc822",)
    EXTENSIONS = (".eml",)

    def load(self, data: bytes, doc: Document) -> Document:
        try:
            msg = email.message_from_bytes(data, policy=policy.default)
        except Exception as err:
            raise IngestError(f"not a readable email ({err})")
        if not any(msg.get(h) for h in ("from", "to", "subject", "date")):
            raise IngestError("not an email: no From, To, Subject or Date header")
        headers = {}
        for name in HEADERS:
            try:
                value = msg.get(name)
                headers[name] = str(value).strip() if value is not None else ""
            except Exception:   # a malformed header must not lose the message
                headers[name] = str(msg.get_all(name, [""])[0])
        doc.meta["addresses"] = sorted({addr.lower() for _, addr in getaddresses(
            [headers.get(h, "") for h in ("from", "to", "cc")]) if addr})
        return message_document(doc, headers, _body(msg), _attachments(msg))


def _body(msg: email.message.EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except Exception:
        content = decode(part.get_payload(decode=True) or b"")
    if isinstance(content, bytes):
        content = decode(content)
    return html_to_text(content) if part.get_content_subtype() == "html" else content


def _payload(part: email.message.EmailMessage) -> bytes | None:
    """The decoded payload. Base64 is decoded line by line: some released mail was encoded in
    pieces, each padded with `=`, which a one-pass decoder stops at. For ordinary base64 (lines
    of a multiple of four characters) the two ways agree."""
    if part.get("content-transfer-encoding", "").strip().lower() == "base64":
        raw = part.get_payload(decode=False)
        if isinstance(raw, str):
            try:
                return b"".join(base64.b64decode(line + "=" * (-len(line) % 4))
                                for line in (l.strip() for l in raw.splitlines()) if B64_LINE.match(line))
            except (binascii.Error, ValueError):
                pass
    return part.get_payload(decode=True)


def _filename(part: email.message.EmailMessage) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name:
        return name
    # a header folded in the middle of a word ("fil\nename=...") still names the file
    head = part.as_string()[:4000]
    m = re.search(r'(?:file)?n?ame\*?="?([^"\r\n;]+)', head)
    return unquote_plus(m.group(1)).strip() if m else None


def _attachments(msg: email.message.EmailMessage) -> list[Child]:
    children = []
    for i, part in enumerate(msg.iter_attachments()):
        data = _payload(part)
        if part.get_content_type() == "message/rfc822" and not data:
            inner = part.get_payload()
            data = inner[0].as_bytes() if isinstance(inner, list) and inner else None
        if not data:
            continue
        name = _filename(part) or f"attachment-{i + 1}{_guess_ext(part.get_content_type())}"
        children.append(Child(name=re.sub(r"[\r\n]+", " ", name), data=data))
    return children


def _guess_ext(content_type: str) -> str:
    import mimetypes
    return mimetypes.guess_extension(content_type) or ""


class MboxLoader(Loader):
    """A mailbox: each message is a child document."""
    MEDIA_TYPES = ("application/mbox",)
    EXTENSIONS = (".mbox",)

    def load(self, data: bytes, doc: Document) -> Document:
        messages = re.split(rb"(?m)^From .*\r?\n", data)
        for i, raw in enumerate(m for m in messages if m.strip()):
            doc.children.append(Child(name=f"message-{i + 1:05d}.eml", data=raw))
        if not doc.children:
            raise IngestError("mailbox holds no messages")
        doc.doc_type = "mailbox"
        return doc
