-- Full service guides, and the catalog's version with its downloadable search index.
ALTER TABLE matters ADD COLUMN guide_json TEXT;
CREATE TABLE catalog_meta (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    version    TEXT NOT NULL,
    index_json TEXT NOT NULL
);
