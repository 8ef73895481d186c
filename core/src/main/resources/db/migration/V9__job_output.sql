-- The end of a job's stdout and stderr, written by its handler as the job ends, so that every web
-- node serves them without sharing the handler's file system (Galaxy keeps tool_stdout and
-- tool_stderr in its job table the same way). A job whose outputs were both empty has no row.
-- attempt: the attempt that wrote it (a later attempt's end replaces it).
-- *_skipped: bytes left out at the start of a longer output (only its last galley.jobs.keep-output
-- bytes are kept).
CREATE TABLE job_output (
  job_id         bigint  PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
  attempt        integer NOT NULL,
  stdout         bytea   NOT NULL,
  stderr         bytea   NOT NULL,
  stdout_skipped bigint  NOT NULL DEFAULT 0,
  stderr_skipped bigint  NOT NULL DEFAULT 0
);
