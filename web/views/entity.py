"""Entities: the list by type, and one entity with its documents, pages and company."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

from readingroom import entity_decisions
from web.context import not_found, room, small_int, text_param
from web.security import checked_form

TYPES = ("AGENCY", "PERSON", "ORG", "GPE", "DATE", "LAW", "PROGRAM_MODEL", "FOIA_EXEMPTION", "FOIA_MARKING",
         "BATES", "EMAIL", "PHONE", "MONEY")


def _entity(request: Request) -> dict:
    """The CLI's `entity --format json` for the entity with this id."""
    entity_id = small_int(request.path_params["entity_id"], 1, 2**62)
    corpus = room(request).corpus()
    row = corpus.rows("SELECT name, type FROM entities WHERE id = ?", [entity_id])
    if not row:
        raise not_found("no such entity")
    found = corpus.entity(row[0]["name"], row[0]["type"])
    if not found or found["id"] != entity_id:
        raise not_found("no such entity")
    ids = {r["name"]: r["id"] for r in corpus.rows(
        "SELECT id, name, type FROM entities WHERE name IN (%s)" % ",".join("?" * len(found["related"])),
        [r["name"] for r in found["related"]])} if found["related"] else {}
    for r in found["related"]:
        r["id"] = ids.get(r["name"])
    from corpus.entity_store import aliases
    found["merged"] = aliases(corpus, entity_id)      # the names merged into it, and why
    return found


def entity_page(request: Request):
    return room(request).render(request, "entity.html.j2", e=_entity(request))


def api_entity(request: Request):
    return JSONResponse(_entity(request))


def _list(request: Request) -> list[dict]:
    type_ = text_param(request, "type", 40)
    type_ = type_.upper() if type_ and type_.upper() in TYPES else None
    return room(request).corpus().entity_counts(type_, 1, 500)


def entities_page(request: Request):
    return room(request).render(request, "entities.html.j2", rows=_list(request), types=TYPES,
                                chosen=(text_param(request, "type", 40) or "").upper())


def api_entities(request: Request):
    """The CLI's `entities --format json`: [{id, type, name, mentions, documents}] (at most 500)."""
    return JSONResponse(_list(request))


async def merge(request: Request):
    """Another entity is the same one: `other` (its id or exact name, of this type) is merged into
    this one, kept as a decision that annotate and later ingests replay."""
    entity_id = small_int(request.path_params["entity_id"], 1, 2**62)
    form = await checked_form(request)
    corpus = room(request).corpus()
    kept = corpus.rows("SELECT type FROM entities WHERE id = ?", [entity_id])
    if not kept:
        raise not_found("no such entity")
    other = entity_decisions.find(corpus, " ".join(str(form.get("other", "")).split())[:200], kept[0]["type"])
    if not isinstance(other, dict):
        return PlainTextResponse("400: " + ("no such entity of this type" if other is None else
                                          "several entities have that name: give its id"), status_code=400)
    try:
        entity_decisions.merge(corpus, entity_id, other["id"])
    except entity_decisions.DecisionError as err:
        return PlainTextResponse(f"400: {err}", status_code=400)
    return RedirectResponse(f"/entity/{entity_id}", status_code=303)


async def split(request: Request):
    """Mentions printed as `alias` are another entity after all: they get one of their own."""
    entity_id = small_int(request.path_params["entity_id"], 1, 2**62)
    form = await checked_form(request)
    try:
        new_id = entity_decisions.split(room(request).corpus(), entity_id, str(form.get("alias", ""))[:200])
    except entity_decisions.DecisionError as err:
        return PlainTextResponse(f"400: {err}", status_code=400)
    return RedirectResponse(f"/entity/{new_id}", status_code=303)


routes = [
    Route("/entity/{entity_id}/merge", merge, methods=["POST"]),
    Route("/entity/{entity_id}/split", split, methods=["POST"]),
    Route("/entities", entities_page),
    Route("/entity/{entity_id}", entity_page),
    Route("/api/entities", api_entities),
    Route("/api/entity/{entity_id}", api_entity),
]
