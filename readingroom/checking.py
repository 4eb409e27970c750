"""`readingroom check` and `readingroom repair`: is the whole corpus sound, and mend what can be
rebuilt from what is left.

SQLite is the truth. What is derived from it (the FTS5 index over passages, the FAISS vectors,
entities that no mention names any more) can be rebuilt; rows that lost their document can be
dropped; a damaged page of the database itself, or a kept original whose bytes changed, cannot be
mended here and is said so.
"""
from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus.errors import CorpusDamaged, CorpusError
from corpus.schema import SCHEMA_VERSION
from corpus.store import Corpus

# rows that must name a stored document (table, what they are)
OWNED = [("pages", "pages"), ("chunks", "passages"), ("mentions", "mentions"), ("agreements", "agreements"),
         ("signatories", "signatories"), ("clauses", "clauses")]
HEX = set("0123456789abcdef")


@dataclass
class Finding:
    name: str             # sqlite, schema, fts, vectors, pages, mentions, originals, ...
    ok: bool
    detail: str
    fix: str = ""         # how `repair` mends it, or why it cannot ("" when ok)
    fixable: bool = True


@dataclass
class Report:
    corpus: str
    findings: list[Finding] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)      # what `repair` did
    unfixable: list[str] = field(default_factory=list)     # what it could not do

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def add(self, name: str, problems: list[str], detail_ok: str, fix: str = "", fixable: bool = True) -> None:
        self.findings.append(Finding(name, not problems, "; ".join(problems) or detail_ok,
                                     fix if problems else "", fixable if problems else True))

    def as_dict(self) -> dict:
        return {"corpus": self.corpus, "ok": self.ok, "findings": [asdict(f) for f in self.findings],
                "repaired": self.repaired, "unfixable": self.unfixable}


def originals_folders(corpus_path: Path) -> list[Path]:
    """Where kept originals live, if they are kept: `NAME.originals/` (or `originals/`) beside the corpus."""
    return [p for p in (corpus_path.with_name(corpus_path.stem + ".originals"), corpus_path.parent / "originals")
            if p.is_dir()]


def _sqlite_problems(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as err:
        return [str(err)]
    return [] if rows == ["ok"] else rows


def check_path(path: str | Path) -> Report:
    """Check the corpus at `path`; a database too damaged to open is reported, not raised."""
    path = Path(path)
    try:
        corpus = Corpus(path)
    except CorpusDamaged as err:
        report = Report(str(path))
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            problems = _sqlite_problems(conn) or [err.problem]
        except sqlite3.Error as raw:
            problems = [str(raw)]
        report.add("sqlite", problems, "", "cannot be repaired here: restore a backup, or ingest the files again "
                                           "into a new corpus", fixable=False)
        return report
    with corpus:
        return check(corpus)


def check(corpus: Corpus) -> Report:
    from index.sync import check as check_vectors
    report = Report(str(corpus.path))
    conn = corpus.conn
    sqlite_problems = _sqlite_problems(conn)
    report.add("sqlite", sqlite_problems, "integrity_check ok",
               "REINDEX, and rebuild what is derived; pages and documents themselves cannot be rebuilt",
               fixable=False)
    version = corpus.get_meta("schema_version")
    report.add("schema", [] if version == SCHEMA_VERSION else [f"schema version {version}, expected {SCHEMA_VERSION}"],
               f"version {version}", "open it with the readingroom that made it", fixable=False)
    try:
        # rank 1: compare the index with the passages too, not only with itself
        conn.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES('integrity-check', 1)")
        fts = []
    except sqlite3.DatabaseError as err:
        fts = [f"the keyword index disagrees with the passages ({err})"]
    report.add("fts", fts, "keyword index matches the passages", "rebuild the keyword index from the passages")
    found = check_vectors(corpus)
    vector_problems = list(found.problems)
    for name, ids in (("passages without a vector", found.missing), ("vectors without a passage", found.orphans),
                      ("passages with more than one vector", found.duplicates)):
        if ids and not found.problems:
            vector_problems.append(f"{len(ids)} {name}")
    report.add("vectors", vector_problems, f"{found.vectors} vectors, one per passage",
               "rebuild the vector index (stored vectors reused where they can be)")
    orphans = []
    for table, what in OWNED:
        n = _count(conn, f"SELECT count(*) FROM {table} WHERE document_id NOT IN (SELECT id FROM documents)")
        if n:
            orphans.append(f"{n} {what} of no stored document")
    pages = _count(conn, "SELECT count(*) FROM documents d WHERE page_count != "
                         "(SELECT count(*) FROM pages p WHERE p.document_id = d.id)")
    if pages:
        orphans.append(f"{pages} documents whose pages are not all stored")
    report.add("documents", orphans, "every page, passage and fact belongs to a stored document",
               "drop the rows of no stored document", fixable=not pages)
    mention_problems = []
    for sql, what in (("SELECT count(*) FROM mentions WHERE entity_id NOT IN (SELECT id FROM entities)",
                       "mentions of no stored entity"),
                      ("SELECT count(*) FROM mentions WHERE chunk_id IS NOT NULL AND chunk_id NOT IN "
                       "(SELECT id FROM chunks)", "mentions in no stored passage"),
                      ("SELECT count(*) FROM entities WHERE id NOT IN (SELECT entity_id FROM mentions)",
                       "entities no mention names")):
        n = _count(conn, sql)
        if n:
            mention_problems.append(f"{n} {what}")
    report.add("mentions", mention_problems, "every mention names a stored entity and passage",
               "drop the mentions and entities left over")
    kept = _check_originals(corpus.path)
    if kept is not None:
        bad, n = kept
        report.add("originals", bad, f"{n} kept originals match their hashes",
                   "cannot be repaired: ingest the source files again to keep them anew", fixable=False)
    return report


def _count(conn: sqlite3.Connection, sql: str) -> int:
    return conn.execute(sql).fetchone()[0]


def _check_originals(corpus_path: Path) -> tuple[list[str], int] | None:
    """Each kept original is named by its SHA-256: do its bytes still hash to it? None when none are kept."""
    folders = originals_folders(corpus_path)
    if not folders:
        return None
    bad, n = [], 0
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or len(path.name) != 64 or not set(path.name) <= HEX:
                continue
            n += 1
            digest = hashlib.sha256()
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
            if digest.hexdigest() != path.name:
                bad.append(f"{path} does not match its hash")
    return bad, n


def repair(corpus: Corpus) -> Report:
    """Mend what can be rebuilt from what is left, then check again. Returns the new check, with
    what was done (`repaired`) and what could not be (`unfixable`)."""
    from index.sync import rebuild, sync
    before = check(corpus)
    done, conn = [], corpus.conn
    broken = {f.name for f in before.findings if not f.ok}
    if "sqlite" in broken:
        try:
            with conn:
                conn.execute("REINDEX")
            done.append("rebuilt the database's indexes (REINDEX)")
        except sqlite3.DatabaseError as err:
            raise CorpusDamaged(corpus.path, f"the database is damaged beyond repair here ({err})",
                                "restore a backup, or ingest the files again into a new corpus") from None
    if broken & {"documents", "mentions"}:
        with conn:
            for table, what in OWNED:
                n = conn.execute(f"DELETE FROM {table} WHERE document_id NOT IN (SELECT id FROM documents)").rowcount
                if n:
                    done.append(f"dropped {n} {what} of no stored document")
            n = conn.execute("DELETE FROM mentions WHERE entity_id NOT IN (SELECT id FROM entities) OR (chunk_id "
                             "IS NOT NULL AND chunk_id NOT IN (SELECT id FROM chunks))").rowcount
            if n:
                done.append(f"dropped {n} mentions of no stored entity or passage")
        n = corpus.drop_orphan_entities()
        if n:
            done.append(f"dropped {n} entities no mention names")
    if broken & {"fts", "documents", "sqlite"}:
        with conn:
            conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES('rebuild')")
        done.append("rebuilt the keyword index from the passages")
    vectors = next(f for f in before.findings if f.name == "vectors")
    if not vectors.ok or "documents" in broken:
        try:
            sync(corpus)
            done.append("brought the vector index in step with the passages")
        except CorpusError:
            rebuilt = rebuild(corpus)
            done.append(f"rebuilt the vector index ({rebuilt.vectors} vectors, {rebuilt.embedded} embedded)")
    after = check(corpus)
    after.repaired = done
    after.unfixable = [f"{f.name}: {f.detail} ({f.fix})" for f in after.findings if not f.ok]
    return after
