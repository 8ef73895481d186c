-- What an attempt's work used (#12), written by the statement that records the attempt's end, so
-- it travels with the end whether that is written alone or in a batch. NULL: the runner did not
-- see it (a noop job, a process-builder job's peak memory, a job killed before it measured).
-- Nullable columns without a default: adding them rewrites nothing, also on a big table.
ALTER TABLE job
  ADD COLUMN cpu_user_seconds double precision,    -- CPU time in user mode of the tool and what it waited for
  ADD COLUMN cpu_system_seconds double precision,  -- the same in the kernel
  ADD COLUMN peak_memory_bytes bigint,             -- the largest resident set (max RSS) of those processes
  ADD COLUMN exit_signal integer;                  -- the signal that ended the tool, if one did
