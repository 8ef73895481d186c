-- Idempotency-Key of POST /api/jobs: a retried submission with the same key (per user) answers
-- the jobs of the first one. The row is inserted in the same transaction as the jobs, so the
-- primary key lets exactly one of several concurrent retries write jobs; the others wait for it
-- and read its job ids.
CREATE TABLE idempotency_key (
  owner        text        NOT NULL,               -- user name of the submitter
  key          text        NOT NULL,               -- the header's value
  request_hash text        NOT NULL,               -- SHA-256 of the body: a reused key with another body is refused
  list         boolean     NOT NULL,               -- the body was a list (batch submit): answer a list again
  job_ids      bigint[]    NOT NULL,               -- the jobs written, in the order submitted
  create_time  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner, key)
);
-- Expired keys are deleted oldest first.
CREATE INDEX idempotency_key_create_time ON idempotency_key (create_time);
