"""A document: the page image with the hit outlined, the page's text, how it was read, its
entities, redactions, family, similar documents, tags and notes; and the original file."""
from __future__ import annotations

import json
import re

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from corpus import marks
from search import QueryError
from search.engine import similar
from search.query import terms
from search.snippets import _pattern
from web.context import MAX_QUERY, doc_id, not_found, room, small_int, text_param
from web.pageimages import DPIS, ImageError, hit_boxes, page_words, redaction_boxes

EMAIL_HEADERS = ("from", "to", "cc", "date", "subject")
METHODS = {
    "text": "the PDF's text layer",
    "unshifted": "the PDF's text layer, with its font's constant character shift undone",
    "ocr": "Tesseract OCR of the page image",
    "text+ocr": "Tesseract OCR (it read more words than the page's poor text layer)",
    "ocr_failed": "the text layer only: OCR failed on this page",
    "none": "nothing: the page has no text",
}
MAX_PAGE = 100_000


def _document(request: Request, value: str) -> dict:
    found = room(request).corpus().rows("SELECT * FROM documents WHERE id = ?", [doc_id(value)])
    if not found:
        raise not_found("no such document")
    doc = found[0]
    doc["meta"] = json.loads(doc.pop("source_meta") or "{}")
    return doc


def _marked(text: str, words: list[str]) -> Markup:
    """The page's text, escaped, with the query's words marked."""
    rx = _pattern(words) if words else None
    if not rx:
        return escape(text)
    out, last = [], 0
    for m in rx.finditer(text):
        out += [escape(text[last:m.start()]), Markup("<mark>"), escape(m.group(0)), Markup("</mark>")]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _passage_boxes(words: list[str], boxes: list, chunk_text: str) -> list:
    """The boxes of a passage's words on the page: from where its first words appear to where its
    last ones do (a semantic hit may share no word with the query)."""
    norm = lambda w: re.sub(r"\W+", "", w.lower())      # noqa: E731
    page = [norm(w) for w in words]
    mine = [w for w in (norm(x) for x in chunk_text.split()) if w]
    if len(mine) < 3:
        return []
    head, tail = mine[:3], mine[-3:]

    def find(seq, start=0):
        for i in range(start, len(page) - len(seq) + 1):
            if page[i:i + len(seq)] == seq:
                return i
        return None
    first = find(head)
    if first is None:
        return []
    last = find(tail, first)
    end = (last + 3) if last is not None else min(len(page), first + len(mine))
    return boxes[first:end]


def document_page(request: Request):
    doc = _document(request, request.path_params["doc_id"])
    corpus = room(request).corpus()
    count = doc["page_count"] or 0
    page_no = small_int(request.query_params.get("page"), 1, max(1, count), default=1)
    page = corpus.rows("SELECT * FROM pages WHERE document_id = ? AND page_number = ?", [doc["id"], page_no])
    page = page[0] if page else None
    query = text_param(request, "q", MAX_QUERY)
    words = terms(query) if query else []
    hit = request.query_params.get("hit")
    hit_chunk = None
    if hit and hit.isdigit() and len(hit) < 12:
        found = corpus.rows("SELECT id, text, first_page FROM chunks WHERE id = ? AND document_id = ?",
                            [int(hit), doc["id"]])
        hit_chunk = found[0] if found and found[0]["first_page"] == page_no else None
    images = room(request).images
    source = images.source(doc)
    outline, passage, boxes_from = [], [], None
    if page and source.path is not None and (words or hit_chunk):
        page_w, page_b, boxes_from = page_words(corpus, images, doc, page_no, page["method"])
        outline = hit_boxes(page_w, page_b, words)
        if hit_chunk:
            passage = _passage_boxes(page_w, page_b, hit_chunk["text"])
    redactions = redaction_boxes(images, doc, page_no) if page and (page["redacted_fraction"] or 0) > 0 else []
    entities = corpus.rows(
        "SELECT e.id, e.type, e.name, count(*) AS mentions FROM mentions m JOIN entities e ON e.id = m.entity_id"
        " WHERE m.document_id = ? AND m.page_number = ? GROUP BY e.id ORDER BY e.type, mentions DESC",
        [doc["id"], page_no])
    parent = corpus.rows("SELECT id, file_name, doc_type FROM documents WHERE id = ?", [doc["parent_id"]]) \
        if doc["parent_id"] else []
    children = corpus.rows("SELECT id, file_name, doc_type, page_count FROM documents WHERE parent_id = ?"
                           " ORDER BY file_name", [doc["id"]])
    try:
        alike = [h.as_dict() for h in similar(corpus, doc["id"], page_no if page else None, limit=5)]
    except (QueryError, ValueError):
        alike = []
    agreement = corpus.rows("SELECT agency, state, model, signed_date FROM agreements WHERE document_id = ?",
                            [doc["id"]])
    signers = corpus.rows("SELECT name, title, organization, signed_date, source FROM signatories"
                          " WHERE document_id = ? AND page_number = ? AND role = 'signatory'", [doc["id"], page_no])
    return room(request).render(
        request, "document.html.j2", doc=doc, page=page, page_no=page_no, count=count, query=query,
        hit=hit_chunk["id"] if hit_chunk else None, source=source, original=images.original(doc), outline=outline, passage=passage,
        redactions=redactions,
        boxes_from=boxes_from, text=_marked(page["text"], words) if page else "",
        method=METHODS.get(page["method"], page["method"]) if page else None, entities=entities,
        parent=parent[0] if parent else None, children=children, similar=alike,
        agreement=agreement[0] if agreement else None, signers=signers,
        email=[(h, doc["meta"][h]) for h in EMAIL_HEADERS if doc["meta"].get(h)] if doc["doc_type"] == "email" else [],
        tags=marks.tags(corpus, doc["id"]), notes=marks.notes(corpus, doc["id"]),
        thumbs=range(1, min(count, 200) + 1), dpis=DPIS)


def page_image(request: Request):
    doc = _document(request, request.path_params["doc_id"])
    page_no = small_int(request.path_params["page"], 1, min(doc["page_count"] or 0, MAX_PAGE))
    dpi = small_int(request.query_params.get("dpi"), 1, 10_000, default=100)
    if dpi not in DPIS:
        raise not_found(f"no such resolution: choose one of {', '.join(map(str, DPIS))} dpi")
    try:
        path = room(request).images.png(doc, page_no, dpi)
    except ImageError as err:
        return Response(str(err), status_code=404, media_type="text/plain")
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def original(request: Request):
    """The original file, always as a download (never rendered by the browser in our origin)."""
    doc = _document(request, request.path_params["doc_id"])
    source = room(request).images.original(doc)
    if source.path is None:
        return Response("the original file is gone: it was not kept beside the corpus and is no longer at its "
                        "ingested path\n", status_code=404, media_type="text/plain")
    safe = re.sub(r"[^\w.+-]+", "_", doc["file_name"])[:120] or "original"
    return FileResponse(source.path, media_type="application/octet-stream", filename=safe,
                        content_disposition_type="attachment")


def api_document(request: Request):
    """{document: {...documents row, meta}, pages: [{page_number, method, ocr_confidence, quality,
    redacted_fraction, chars}], children: [...], tags: [...], notes: [...], original: bool}"""
    doc = _document(request, request.path_params["doc_id"])
    corpus = room(request).corpus()
    pages = corpus.rows("SELECT page_number, method, ocr_confidence, quality, redacted_fraction, length(text) AS chars"
                        " FROM pages WHERE document_id = ? ORDER BY page_number", [doc["id"]])
    children = corpus.rows("SELECT id, file_name, doc_type FROM documents WHERE parent_id = ?", [doc["id"]])
    return JSONResponse({"document": doc, "pages": pages, "children": children,
                         "tags": marks.tags(corpus, doc["id"]), "notes": marks.notes(corpus, doc["id"]),
                         "original": room(request).images.original(doc).path is not None})


routes = [
    Route("/doc/{doc_id}", document_page),
    Route("/doc/{doc_id}/page/{page}.png", page_image),
    Route("/doc/{doc_id}/original", original),
    Route("/api/doc/{doc_id}", api_document),
]
