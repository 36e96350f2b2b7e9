-- Version 2: each running trial's lease expiry is stored, so a lease survives a restart (before, a
-- reloaded study gave every running trial a fresh lease). Milliseconds since the epoch; NULL when
-- the trial holds no lease. Trials written before version 2 have NULL and get a full lease when
-- loaded.

ALTER TABLE trials ADD COLUMN lease_expires_ms INTEGER;
