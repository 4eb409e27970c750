"""Outlook .msg, through extract-msg."""
from __future__ import annotations

from corpus.records import Child, Document
from ingest.errors import IngestError
from ingest.loaders.base import Loader
from ingest.loaders.email import message_document


class MsgLoader(Loader):
    MEDIA_TYPES = ("application/vnd.ms-outlook",)
    EXTENSIONS = (".msg",)

    def load(self, data: bytes, doc: Document) -> Document:
        import extract_msg
        try:
            msg = extract_msg.openMsg(data)
        except Exception as err:
            raise IngestError(f"not a readable Outlook message ({type(err).__name__}: {err})")
        try:
            headers = {"from": msg.sender or "", "to": msg.to or "", "cc": msg.cc or "",
                       "date": str(msg.header.get("date") or "") if msg.header else "",
                       "subject": msg.subject or "", "message-id": msg.messageId or ""}
            children = []
            for i, att in enumerate(msg.attachments):
                payload = att.data
                if isinstance(payload, bytes) and payload:
                    name = att.longFilename or att.shortFilename or f"attachment-{i + 1}"
                    children.append(Child(name=name, data=payload))
            body = msg.body or ""
        finally:
            msg.close()
        return message_document(doc, headers, body, children)
