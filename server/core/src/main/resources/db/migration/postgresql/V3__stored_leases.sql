-- Version 3: each running trial's lease expiry is stored, so a lease survives a failover or a
-- restart (before, a reloaded study gave every running trial a fresh lease). The expiry is in the
-- database's clock (milliseconds since the epoch of now()), never a replica's; NULL when the trial
-- holds no lease. Trials written before version 3 have NULL and get a full lease when loaded.

ALTER TABLE trials ADD COLUMN lease_expires_ms BIGINT;
