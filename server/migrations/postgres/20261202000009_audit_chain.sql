-- The audit log becomes a hash chain: each entry keeps the hash of the one before it and its own
-- hash over its contents and that link, so an entry changed, removed or put in between is found
-- by `tongban-server verify-audit`. Entries written before this migration keep empty hashes and
-- are reported as being from before the chain.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
