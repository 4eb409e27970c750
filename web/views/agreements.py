"""287(g) agreements: a sortable, filterable table; signatories link to their signature page."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from readingroom.output import contact_list, signatory_list
from web.context import csv_response, room, text_param

SORTS = ("agency", "state", "model", "signed_date", "revision_date", "file_name")
CSV_COLUMNS = ["document_id", "path", "agency", "state", "model", "signed_date", "effective_date",
               "revision_date", "signatories", "points_of_contact"]


def _rows(request: Request) -> tuple[list[dict], dict]:
    """The CLI's `agreements --format json` rows, filtered by model, state and year, sorted."""
    model, state, year = (text_param(request, k, 60) for k in ("model", "state", "year"))
    rows = room(request).corpus().agreements(model, None)
    if state:
        rows = [r for r in rows if (r["state"] or "").lower() == state.lower()]
    if year:
        rows = [r for r in rows if (r["signed_date"] or "").startswith(year)]
    sort = request.query_params.get("sort")
    sort = sort if sort in SORTS else "state"
    descending = request.query_params.get("dir") == "desc"
    rows.sort(key=lambda r: ((r[sort] or "") == "", (r[sort] or "").lower()), reverse=descending)
    return rows, {"model": model, "state": state, "year": year, "sort": sort, "dir": "desc" if descending else "asc"}


def agreements_page(request: Request):
    rows, chosen = _rows(request)
    everything = room(request).corpus().agreements()
    options = {"model": sorted({r["model"] for r in everything if r["model"]}),
               "state": sorted({r["state"] for r in everything if r["state"]}),
               "year": sorted({r["signed_date"][:4] for r in everything if r["signed_date"]}, reverse=True)}
    return room(request).render(request, "agreements.html.j2", rows=rows, chosen=chosen, options=options,
                                sorts=SORTS)


def api_agreements(request: Request):
    return JSONResponse(_rows(request)[0])


def agreements_csv(request: Request):
    """The CLI's `agreements --format csv` (`[re-read]` marks a name read only from the ink-free
    second reading of a scanned signature page)."""
    rows = [dict(r, signatories=signatory_list(r["signatories"]), points_of_contact=contact_list(r["points_of_contact"]))
            for r in _rows(request)[0]]
    return csv_response(rows, CSV_COLUMNS, "agreements.csv")


routes = [
    Route("/agreements", agreements_page),
    Route("/agreements.csv", agreements_csv),
    Route("/api/agreements", api_agreements),
]
