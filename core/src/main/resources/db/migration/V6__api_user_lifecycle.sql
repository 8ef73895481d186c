-- Key lifecycle (#14): a revoked key leaves the user without one (NULL; UNIQUE allows many NULLs),
-- and a disabled user keeps its jobs and name but no key of it is accepted.
ALTER TABLE api_user ALTER COLUMN key_hash DROP NOT NULL;
ALTER TABLE api_user ADD COLUMN disabled boolean NOT NULL DEFAULT false;
