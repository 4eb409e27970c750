"""The corpus schema, in one place. Bump SCHEMA_VERSION when it changes."""

SCHEMA_VERSION = 5

# what takes a corpus of an older version to this one
MIGRATIONS = {
    1: ["ALTER TABLE pages ADD COLUMN signature_text TEXT"],
    2: ["ALTER TABLE signatories ADD COLUMN source TEXT"],
    # passages know their document (corpus/context.py): the column is filled and the FTS5
    # index rebuilt with it when the corpus is opened (Corpus._ensure_schema); the stored
    # vectors lack it until `index rebuild` (meta vectors_without_context)
    3: ["ALTER TABLE chunks ADD COLUMN context TEXT",
        "DROP TRIGGER IF EXISTS chunks_ai", "DROP TRIGGER IF EXISTS chunks_ad", "DROP TRIGGER IF EXISTS chunks_au",
        "DROP TABLE IF EXISTS chunks_fts",
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('vectors_without_context', 'true')"],
    # near-duplicate passages and documents (index/duplicates.py): the tables are new (DDL); an
    # existing corpus has no clusters, and search collapses nothing, until `readingroom duplicates`
    # (or the next ingest or annotate) finds them
    4: [],
}

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    id          TEXT PRIMARY KEY,               -- sha256 of the bytes
    parent_id   TEXT,                           -- zip member, email attachment (written before its parent)
    path        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    media_type  TEXT,
    title       TEXT,
    doc_type    TEXT,                           -- moa, email, letter, foia_release, document
    doc_date    TEXT,                           -- ISO 8601
    page_count  INTEGER,
    source_meta TEXT,                           -- JSON
    ingested_at TEXT
);
CREATE INDEX IF NOT EXISTS documents_parent ON documents(parent_id);
CREATE INDEX IF NOT EXISTS documents_type ON documents(doc_type);

CREATE TABLE IF NOT EXISTS pages (
    document_id       TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page_number       INTEGER NOT NULL,
    text              TEXT NOT NULL,
    method            TEXT,                     -- text, ocr, text+ocr, unshifted, none
    ocr_confidence    REAL,
    quality           REAL,
    redacted_fraction REAL,
    signature_text    TEXT,                     -- a scanned signature block read again without ink
    PRIMARY KEY (document_id, page_number)
);

CREATE TABLE IF NOT EXISTS chunks (
    id          INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    first_page  INTEGER NOT NULL,
    last_page   INTEGER NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    section     TEXT,
    text        TEXT NOT NULL,
    context     TEXT                            -- what its document is, in a line (corpus/context.py)
);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks(document_id);

CREATE TABLE IF NOT EXISTS entities (
    id         INTEGER PRIMARY KEY,
    type       TEXT NOT NULL,
    name       TEXT NOT NULL,                   -- canonical name
    attributes TEXT,                            -- JSON
    UNIQUE (type, name)
);
-- names merged into an entity, and why (auto: readingroom's resolution; user: a decision)
CREATE TABLE IF NOT EXISTS entity_aliases (
    id         INTEGER PRIMARY KEY,
    entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias      TEXT NOT NULL,                   -- the name of the entity merged in
    alias_type TEXT,
    reason     TEXT NOT NULL,
    source     TEXT NOT NULL                    -- auto | user
);
CREATE INDEX IF NOT EXISTS entity_aliases_entity ON entity_aliases(entity_id);
-- the user's decisions, by type and name (entity ids change on annotate); replayed in order
CREATE TABLE IF NOT EXISTS entity_decisions (
    id         INTEGER PRIMARY KEY,
    action     TEXT NOT NULL,                   -- merge, split, rename, retype
    type       TEXT NOT NULL,                   -- the entity decided on
    name       TEXT NOT NULL,
    other_type TEXT,                            -- merge: the entity merged in
    other_name TEXT,                            -- merge: its name; split: the alias split off
    value      TEXT,                            -- rename: the new name; retype: the new type
    decided_at TEXT
);
CREATE TABLE IF NOT EXISTS mentions (
    id          INTEGER PRIMARY KEY,
    entity_id   INTEGER NOT NULL REFERENCES entities(id),
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page_number INTEGER,
    chunk_id    INTEGER REFERENCES chunks(id) ON DELETE CASCADE,
    start       INTEGER,
    end         INTEGER,
    text        TEXT,
    normalized  TEXT
);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_id);
CREATE INDEX IF NOT EXISTS mentions_document ON mentions(document_id);

CREATE TABLE IF NOT EXISTS agreements (
    document_id    TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    agency         TEXT,
    state          TEXT,
    model          TEXT,                        -- JEM, WSO, TFM
    signed_date    TEXT,
    effective_date TEXT,
    revision_date  TEXT,
    sections       TEXT,                        -- JSON list of top-level headings as printed
    facts          TEXT                         -- JSON: anything else worth keeping
);
CREATE TABLE IF NOT EXISTS signatories (
    id           INTEGER PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    role         TEXT,                          -- signatory, point_of_contact
    name         TEXT,
    title        TEXT,
    organization TEXT,
    signed_date  TEXT,
    page_number  INTEGER,
    source       TEXT                           -- text: the page's text; reread: its ink-free second reading
);
CREATE TABLE IF NOT EXISTS clauses (
    id          INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    key         TEXT,                           -- canonical clause key, e.g. wso/training-of-personnel
    heading     TEXT,                           -- as printed
    level       INTEGER,                        -- 1 section, 2 subsection, 0 appendix
    position    INTEGER,
    page_number INTEGER,
    text        TEXT
);
CREATE INDEX IF NOT EXISTS clauses_document ON clauses(document_id);

-- word boxes of an OCR'd page (to outline a hit on its image): the words joined by newlines, and
-- their boxes as one flat JSON list x0,y0,x1,y1,... in ten-thousandths of the page's width/height
CREATE TABLE IF NOT EXISTS page_words (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page_number INTEGER NOT NULL,
    words       TEXT NOT NULL,
    boxes       TEXT NOT NULL,
    PRIMARY KEY (document_id, page_number)
);

-- an investigator's tags and notes: keyed by document id (the sha256 of the bytes), with no
-- foreign key, so that removing and ingesting a document again finds them where they were
CREATE TABLE IF NOT EXISTS tags (
    document_id TEXT NOT NULL,
    tag         TEXT NOT NULL,
    created_at  TEXT,
    PRIMARY KEY (document_id, tag)
);
CREATE TABLE IF NOT EXISTS notes (
    id          INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL,
    page_number INTEGER,
    text        TEXT NOT NULL,
    created_at  TEXT
);
CREATE INDEX IF NOT EXISTS notes_document ON notes(document_id);

-- near-duplicates (index/duplicates.py): a MinHash signature of each passage's and each document's
-- word 5-shingles (uint32 little-endian), and the clusters of those whose shingle sets have a
-- Jaccard similarity at or above meta `duplicates`.threshold. A cluster is named by its smallest
-- member; only members of clusters of two or more are stored. Search folds a lower hit into a
-- higher one of the same cluster (search/collapse.py).
CREATE TABLE IF NOT EXISTS passage_signatures (
    chunk_id  INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS document_signatures (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    signature   BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS passage_clusters (
    chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
    cluster  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS passage_clusters_cluster ON passage_clusters(cluster);
CREATE TABLE IF NOT EXISTS document_clusters (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    cluster     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS document_clusters_cluster ON document_clusters(cluster);

CREATE TABLE IF NOT EXISTS ingest_errors (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,
    document_id TEXT,
    stage       TEXT NOT NULL,                  -- read, detect, load, ocr, nlp, store, index
    message     TEXT NOT NULL,
    occurred_at TEXT,
    UNIQUE (path, stage)
);
"""
