-- Personal data sealed at rest (server/src/vault.rs): names, ID numbers, answers and document
-- keys are stored as `tb1:` values from now on. An ID number is found by its keyed hash; each
-- document has its own key, sealed here, and its bytes are sealed with it in the object store.
-- Values written before this migration stay readable and are sealed by the rotation task.
ALTER TABLE accounts ADD COLUMN id_number_lookup TEXT;
CREATE UNIQUE INDEX accounts_by_id_number_lookup ON accounts (id_number_lookup);
ALTER TABLE materials ADD COLUMN doc_key TEXT;
