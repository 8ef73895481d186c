-- The job row is the truth about a job; actor state is a cache rebuilt from it.
CREATE TABLE job (
  id                bigserial PRIMARY KEY,
  owner             text        NOT NULL,               -- user name of the submitter
  tool_id           text        NOT NULL,
  tool_version      text        NOT NULL,
  inputs            jsonb       NOT NULL,               -- validated parameter values
  pool              text        NOT NULL,               -- pool (Galaxy tag) that may run it
  handler           text,                               -- server name of the handler of the current attempt
  state             text        NOT NULL CHECK (state IN ('new','queued','running','ok','error','deleting','deleted')),
  attempt           integer     NOT NULL DEFAULT 1,     -- fencing token: bumped on every requeue
  runner            text,                               -- runner of the current attempt (local, ...)
  external_id       text,                               -- runner's id for the attempt (pid for local)
  exit_code         integer,
  info              text,                               -- why the job is where it is, for people
  working_directory text,
  create_time       timestamptz NOT NULL DEFAULT now(),
  update_time       timestamptz NOT NULL DEFAULT now(),
  start_time        timestamptz,
  end_time          timestamptz
);

-- Claims scan only new jobs of one pool, oldest first; the index stays as small as the backlog.
CREATE INDEX job_new_by_pool ON job (pool, id) WHERE state = 'new';
-- Recovery and requeue look up the jobs a handler holds.
CREATE INDEX job_held_by_handler ON job (handler) WHERE state IN ('queued', 'running', 'deleting');
-- Listing is newest first, per owner or for everyone.
CREATE INDEX job_owner_id ON job (owner, id DESC);
CREATE INDEX job_state_id ON job (state, id DESC);

-- Every state change appends one row, in the same statement as the change.
CREATE TABLE job_history (
  id       bigserial   PRIMARY KEY,
  job_id   bigint      NOT NULL REFERENCES job (id) ON DELETE CASCADE,
  attempt  integer     NOT NULL,
  state    text        NOT NULL,
  handler  text,
  info     text,
  time     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_history_job ON job_history (job_id, id);

-- API users; keys are stored as SHA-256 hashes, never in clear.
CREATE TABLE api_user (
  id          bigserial   PRIMARY KEY,
  name        text        NOT NULL UNIQUE,
  key_hash    text        NOT NULL UNIQUE,
  is_admin    boolean     NOT NULL DEFAULT false,
  create_time timestamptz NOT NULL DEFAULT now()
);
