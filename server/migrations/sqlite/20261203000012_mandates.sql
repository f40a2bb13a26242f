-- Acting for someone (亲友代办): mandates a person grants another account, for chosen matters or
-- all, between two days; and who acted on each draft, application and booking (the agent, when
-- it was not the person themself).
CREATE TABLE mandates (
    id              TEXT PRIMARY KEY,
    grantor_id      TEXT NOT NULL,
    agent_id        TEXT NOT NULL,
    matters_json    TEXT NOT NULL,
    from_day        BIGINT NOT NULL,
    to_day          BIGINT NOT NULL,
    decide_together BIGINT NOT NULL,
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX mandates_by_grantor ON mandates (grantor_id, created_at);
CREATE INDEX mandates_by_agent ON mandates (agent_id, created_at);

ALTER TABLE drafts ADD COLUMN agent_id TEXT;
ALTER TABLE applications ADD COLUMN agent_id TEXT;
ALTER TABLE appointments ADD COLUMN agent_id TEXT;
