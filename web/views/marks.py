"""Tags on documents and notes on pages: written by same-origin POSTs carrying the CSRF token."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

from corpus import marks
from web.context import doc_id, not_found, room, small_int
from web.security import checked_form


def _back(document: str, page: int | None = None) -> RedirectResponse:
    return RedirectResponse(f"/doc/{document}" + (f"?page={page}" if page else "") + "#marks", status_code=303)


def _known(request: Request, value: str) -> str:
    document = doc_id(value)
    if not room(request).corpus().has_document(document):
        raise not_found("no such document")
    return document


async def tag(request: Request):
    document = _known(request, request.path_params["doc_id"])
    form = await checked_form(request)
    corpus = room(request).corpus()
    try:
        if form.get("action") == "remove":
            marks.remove_tag(corpus, document, str(form.get("tag", "")))
        else:
            marks.add_tag(corpus, document, str(form.get("tag", "")))
    except marks.MarkError as err:
        return PlainTextResponse(f"400: {err}", status_code=400)
    return _back(document, _page(form))


def _page(form) -> int | None:
    value = str(form.get("page") or "")
    return int(value) if value.isdigit() and len(value) < 7 else None


async def note(request: Request):
    document = _known(request, request.path_params["doc_id"])
    form = await checked_form(request)
    page = _page(form)
    count = room(request).corpus().document(document)["page_count"] or 0
    if page is not None and not 1 <= page <= max(1, count):
        raise not_found("no such page")
    try:
        marks.add_note(room(request).corpus(), document, page, str(form.get("text", "")))
    except marks.MarkError as err:
        return PlainTextResponse(f"400: {err}", status_code=400)
    return _back(document, page)


async def delete_note(request: Request):
    note_id = small_int(request.path_params["note_id"], 1, 2**62)
    form = await checked_form(request)
    corpus = room(request).corpus()
    found = corpus.rows("SELECT document_id, page_number FROM notes WHERE id = ?", [note_id])
    if not found:
        raise not_found("no such note")
    marks.remove_note(corpus, note_id)
    return _back(found[0]["document_id"], found[0]["page_number"])


def api_tags(request: Request):
    """The CLI's `tags --format json`: [{document_id, path, file_name, tag, created_at}]."""
    return JSONResponse(marks.tags(room(request).corpus()))


def api_notes(request: Request):
    """The CLI's `notes --format json`: [{id, document_id, path, file_name, page_number, text, created_at}]."""
    return JSONResponse(marks.notes(room(request).corpus()))


def marks_page(request: Request):
    corpus = room(request).corpus()
    return room(request).render(request, "marks.html.j2", tags=marks.tags(corpus), notes=marks.notes(corpus))


routes = [
    Route("/doc/{doc_id}/tag", tag, methods=["POST"]),
    Route("/doc/{doc_id}/note", note, methods=["POST"]),
    Route("/note/{note_id}/delete", delete_note, methods=["POST"]),
    Route("/marks", marks_page),
    Route("/api/tags", api_tags),
    Route("/api/notes", api_notes),
]
