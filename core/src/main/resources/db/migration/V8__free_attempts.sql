-- Attempts that count (#13): a job ends in error once attempt - free_attempts reaches
-- galley.jobs.max-attempts when it is lost with its handler or given back by a stopping one. An
-- attempt given back without its fault (it never started; its handler was drained for a planned
-- restart, as `galley graceful` does) still moves the attempt on, for fencing, and adds one here.
ALTER TABLE job ADD COLUMN free_attempts integer NOT NULL DEFAULT 0;
