-- Version 1: the schema Vernier created before it recorded schema versions. A file written then
-- is adopted as version 1 without running this script (see SchemaMigrations).

CREATE TABLE studies (
  id TEXT PRIMARY KEY,
  spec BLOB NOT NULL,
  state INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  create_time_ms INTEGER NOT NULL,
  next_trial_number INTEGER NOT NULL
);

CREATE TABLE trials (
  study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  state INTEGER NOT NULL,
  data BLOB NOT NULL,
  lease_id TEXT,
  request_id TEXT,
  PRIMARY KEY (study_id, number)
);

CREATE TABLE measurements (
  study_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  step INTEGER NOT NULL,
  metric TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (study_id, number, step, metric),
  FOREIGN KEY (study_id, number) REFERENCES trials(study_id, number) ON DELETE CASCADE
);
