-- Which assignment method a job was written for (galley.jobs.assign-with), so that handlers using
-- one method never claim the jobs of another when a cluster mixes them. For db-preassign, db-self
-- and mem-self the web node also presets job.handler while the job is still new: only that handler
-- claims it (or, once the reaper cleared it, any live static handler of the pool for db-preassign).
ALTER TABLE job ADD COLUMN assign_with text NOT NULL DEFAULT 'cluster'
  CHECK (assign_with IN ('cluster', 'db-skip-locked', 'db-transaction-isolation', 'db-preassign', 'db-self', 'mem-self'));

-- The claim walks the owners with new jobs of a pool (a loose index scan) and takes the oldest few
-- of each, so a backlog of one user costs a few index probes, not a scan of all of it (Galaxy #11358).
DROP INDEX job_new_by_pool;
CREATE INDEX job_new_queue ON job (assign_with, pool, owner, id) WHERE state = 'new';
-- Concurrency limits count what users and pools hold now; only queued and running rows.
CREATE INDEX job_active_by_owner ON job (owner, pool) WHERE state IN ('queued', 'running');
-- The reaper clears the presets of a removed handler's new jobs.
CREATE INDEX job_new_preset ON job (handler) WHERE state = 'new' AND handler IS NOT NULL;
