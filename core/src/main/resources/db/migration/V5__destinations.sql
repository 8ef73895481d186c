-- Destinations (Galaxy's job_conf environments) and runners whose work outlives its handler (Slurm).
-- destination: where the current attempt runs or is to run; NULL until a handler chose it, or set by
--   a resubmission rule for the next attempt.
-- external_name: the attempt's name in the scheduler (galley-<cluster>-<job>-<attempt>), written
--   before the work is submitted, so that the attempt can be found there even if its handler died
--   before it recorded the scheduler's id. Only runners whose work outlives the handler set it; such
--   an attempt is released (handler NULL, next attempt, state kept) instead of requeued when its
--   handler is lost, and adopted by another handler of the pool.
-- not_before: a resubmitted job waits until then (the rule's delay) before a handler claims it.
ALTER TABLE job ADD COLUMN destination text;
ALTER TABLE job ADD COLUMN external_name text;
ALTER TABLE job ADD COLUMN not_before timestamptz;

-- Released attempts wait for a handler of their pool to adopt them.
CREATE INDEX job_released ON job (pool, id)
  WHERE handler IS NULL AND external_name IS NOT NULL AND state IN ('queued', 'running', 'deleting');
