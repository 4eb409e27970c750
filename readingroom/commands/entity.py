"""`readingroom entity ...`: one entity (`entity NAME`, as before), and the user's decisions about
entities: `entity merge A B`, `entity split NAME ALIAS`, `entity rename NAME NEW`, `entity retype
NAME TYPE`, `entity decisions`."""
from __future__ import annotations

import json
from typing import Optional

import typer
from typer.core import TyperGroup

from readingroom.cli_common import Fmt, fail, open_corpus, open_for_writing
from readingroom.output import console, emit, emit_json


class ShowByDefault(TyperGroup):
    """`entity NAME` means `entity show NAME` unless NAME is one of the subcommands."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


entity_app = typer.Typer(cls=ShowByDefault, no_args_is_help=True,
                         help="One entity (`entity NAME`), and decisions about entities that annotate and ingest respect.")
TYPE_OPTION = typer.Option(None, "--type", help="Only an entity of this type (PERSON, AGENCY, ORG, ...).")


def register(app: typer.Typer) -> None:
    app.add_typer(entity_app, name="entity")


def _pick(corpus, name: str, type_: str | None) -> dict:
    from readingroom.entity_decisions import find
    found = find(corpus, name, type_.upper() if type_ else None)
    if isinstance(found, list):
        fail(f"{name!r} names {len(found)} entities: " + "; ".join(f"{e['name']} ({e['type']}, id {e['id']})"
                                                             for e in found[:5]) + "; pass --type or the id")
    if found is None:
        fail(f"no entity named {name!r}")
    return found


@entity_app.command("show")
def show(name: str = typer.Argument(..., help="A canonical name, or part of one."),
         type_: Optional[str] = TYPE_OPTION,
         fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """One entity: its documents with page citations, its aliases and why names were merged into
    it, what appears most with it."""
    from readingroom.entity_decisions import describe
    with open_corpus() as corpus:
        found = describe(corpus, name, type_.upper() if type_ else None)
    if not found:
        fail(f"no entity named like {name!r}")
    if fmt == Fmt.json:
        emit_json(found)
        return
    console.print(f"[bold]{found['name']}[/bold] ({found['type']})  "
                  f"{json.dumps(found['attributes']) if found['attributes'] else ''}", highlight=False)
    console.print("aliases: " + "; ".join(f"{a['alias']} ({a['mentions']})" for a in found["aliases"][:10]),
                  highlight=False)
    for m in found["merged"]:
        console.print(f"merged: {m['alias']} ({m['alias_type']}): {m['reason']} [{m['source']}]", highlight=False)
    emit([dict(d, pages=", ".join(map(str, d["pages"]))) for d in found["documents"]], fmt.value,
         ["file_name", "pages", "mentions", "title"], title="documents")
    emit(found["related"], fmt.value, ["type", "name", "shared_pages"], title="appears most with")


def _decide(action, *args):
    """Run one of `readingroom.entity_decisions`'s functions; a decision it refuses is a clear error."""
    from readingroom.entity_decisions import DecisionError
    try:
        return action(*args)
    except DecisionError as err:
        fail(str(err))


def _done(result, fmt: Fmt, line: str) -> None:
    if fmt == Fmt.json:
        emit_json(result)
    else:
        console.print(line, highlight=False)


@entity_app.command("merge")
def merge_cmd(keep: str = typer.Argument(..., help="The entity to keep (name or id)."),
              other: str = typer.Argument(..., help="The entity merged into it (name or id)."),
              type_: Optional[str] = TYPE_OPTION, fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Two entities are one: OTHER's mentions and names become KEEP's, from now on."""
    from readingroom.entity_decisions import merge
    with open_for_writing("entity merge") as corpus:
        a, b = _pick(corpus, keep, type_), _pick(corpus, other, type_)
        result = _decide(merge, corpus, a["id"], b["id"])
    _done(result, fmt, f"merged {b['name']} ({b['type']}) into {result['name']} ({result['type']}, id {result['id']})")


@entity_app.command("split")
def split_cmd(name: str = typer.Argument(..., help="The entity (name or id)."),
              alias: str = typer.Argument(..., help="The form, as printed, that is someone or something else."),
              type_: Optional[str] = TYPE_OPTION, fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """The mentions printed as ALIAS are another entity: split them off, from now on."""
    from readingroom.entity_decisions import split
    with open_for_writing("entity split") as corpus:
        entity = _pick(corpus, name, type_)
        new_id = _decide(split, corpus, entity["id"], alias)
    _done({"id": new_id, "type": entity["type"], "name": " ".join(alias.split()), "split_from": entity["id"]}, fmt,
          f"split {alias!r} off {entity['name']}: new entity id {new_id}")


@entity_app.command("rename")
def rename_cmd(name: str = typer.Argument(..., help="The entity (name or id)."),
               new_name: str = typer.Argument(..., help="Its new canonical name."),
               type_: Optional[str] = TYPE_OPTION, fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Give an entity another canonical name, from now on (the old name stays an alias)."""
    from readingroom.entity_decisions import rename
    with open_for_writing("entity rename") as corpus:
        entity = _pick(corpus, name, type_)
        result = _decide(rename, corpus, entity["id"], new_name)
    _done(result, fmt, f"renamed {entity['name']} to {result['name']} (id {result['id']})")


@entity_app.command("retype")
def retype_cmd(name: str = typer.Argument(..., help="The entity (name or id)."),
               new_type: str = typer.Argument(..., help="PERSON, AGENCY, ORG, GPE, ..."),
               type_: Optional[str] = TYPE_OPTION, fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Give an entity another type, from now on."""
    from readingroom.entity_decisions import retype
    with open_for_writing("entity retype") as corpus:
        entity = _pick(corpus, name, type_)
        result = _decide(retype, corpus, entity["id"], new_type)
    _done(result, fmt, f"{entity['name']} is now {result['type']} (id {result['id']})")


@entity_app.command("decisions")
def decisions_cmd(fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """The decisions made so far, oldest first (replayed after every annotate and ingest)."""
    from readingroom.entity_decisions import decisions
    with open_corpus() as corpus:
        rows = decisions(corpus)
    emit(rows, fmt.value, ["id", "action", "type", "name", "other_name", "value", "decided_at"]
         if fmt == Fmt.table else ["id", "action", "type", "name", "other_type", "other_name", "value", "decided_at"])
