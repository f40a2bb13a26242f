-- 帮办: a helper (a hall clerk or a community helper, with their own account) fills a draft for a
-- person who is present and hands it over; the person confirms with a code texted to their
-- phone, then owns the draft. One pending hand-over per draft; the code is kept only hashed.
CREATE TABLE handovers (
    draft_id   TEXT PRIMARY KEY,
    helper_id  TEXT NOT NULL,
    person_id  TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts   BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
