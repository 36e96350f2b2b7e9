-- A test-only version 1000: a database "from a newer Vernier" for the refusal test.
ALTER TABLE trials ADD COLUMN note TEXT;
