-- Version 2: which replica owns each study (several replicas on one database). A replica owns a
-- study while its row names it and has not expired; every write of the study's data checks the
-- epoch in the same transaction (fencing), and a takeover of an expired row takes the next epoch.
-- Times are the database's clock (now()), never a replica's.

CREATE TABLE study_owners (
  study_id TEXT PRIMARY KEY REFERENCES studies(id) ON DELETE CASCADE,
  owner TEXT NOT NULL,        -- the replica's id, new at every start
  address TEXT NOT NULL,      -- where it serves gRPC (host:port), for forwarding
  epoch BIGINT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX study_owners_by_owner ON study_owners (owner);
