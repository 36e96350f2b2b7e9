-- Test only: a harmless version 2, to prove that a version 1 file is upgraded forward.
ALTER TABLE trials ADD COLUMN note TEXT;
CREATE INDEX trials_by_state ON trials (study_id, state);
