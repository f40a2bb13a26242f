-- 免申即享: where the person's household is registered (户籍, sealed), as the population
-- register answered at identity verification; each benefit the person confirmed, with the
-- application it made and the consent receipt it gave (one claim per person and benefit).
ALTER TABLE accounts ADD COLUMN household_region TEXT;

CREATE TABLE consents (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,
    recipient_json  TEXT NOT NULL,
    categories_json TEXT NOT NULL,
    purpose_json    TEXT NOT NULL,
    given_at        BIGINT NOT NULL,
    withdrawn_at    BIGINT
);
CREATE INDEX consents_by_account ON consents (account_id, given_at);

CREATE TABLE benefit_claims (
    account_id      TEXT NOT NULL,
    benefit_id      TEXT NOT NULL,
    benefit_version BIGINT NOT NULL,
    application_id  TEXT NOT NULL,
    consent_id      TEXT NOT NULL,
    decision_json   TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (account_id, benefit_id)
);
