-- Uploaded documents: the bytes live in the object store under `id`; this row says whose they
-- are and what the content was found to be.
CREATE TABLE materials (
    id         TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    size       BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX materials_by_owner ON materials (owner);
