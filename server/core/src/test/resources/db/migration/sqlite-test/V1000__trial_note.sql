-- Test only: a harmless version 1000, to prove that an older file is upgraded forward.
ALTER TABLE trials ADD COLUMN note TEXT;
CREATE INDEX trials_by_state ON trials (study_id, state);
