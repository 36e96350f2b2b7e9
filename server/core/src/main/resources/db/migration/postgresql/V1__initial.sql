-- Version 1 of the PostgreSQL store: the tables of the SQLite store's version 1 (StoreSql runs the
-- same statements on both), in PostgreSQL's types, and the row the readiness probe rewrites.
-- Every access path is a primary-key prefix: a study by id, its trials by (study_id, number), their
-- measurements by (study_id, number, step, metric); the cascades follow the same keys.

CREATE TABLE studies (
  id TEXT PRIMARY KEY,
  spec BYTEA NOT NULL,
  state INTEGER NOT NULL,
  seed BIGINT NOT NULL,
  create_time_ms BIGINT NOT NULL,
  next_trial_number BIGINT NOT NULL
);

CREATE TABLE trials (
  study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  number BIGINT NOT NULL,
  state INTEGER NOT NULL,
  data BYTEA NOT NULL,
  lease_id TEXT,
  request_id TEXT,
  PRIMARY KEY (study_id, number)
);

CREATE TABLE measurements (
  study_id TEXT NOT NULL,
  number BIGINT NOT NULL,
  step BIGINT NOT NULL,
  metric TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (study_id, number, step, metric),
  FOREIGN KEY (study_id, number) REFERENCES trials(study_id, number) ON DELETE CASCADE
);

CREATE TABLE vernier_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  probed_at TIMESTAMPTZ NOT NULL
);

INSERT INTO vernier_probe (id, probed_at) VALUES (1, now());
