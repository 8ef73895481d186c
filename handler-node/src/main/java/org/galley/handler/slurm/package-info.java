/**
 * The Slurm command-line layer: {@link org.galley.handler.slurm.SlurmScript} writes a job's files
 * (a constant {@code job.sh}, NUL-terminated {@code argv}, {@code env}, {@code stdin_path}), and
 * {@link org.galley.handler.slurm.SlurmCommands} runs sbatch, squeue, scancel and scontrol as argv
 * lists with a timeout. Everything here blocks; the Slurm runner calls it off actor threads.
 *
 * <p>What Slurm 22.05.8 did, measured against the real single-node fixture (handler-node README,
 * "Slurm CLI layer", has the full list): exit 0 → {@code COMPLETED}/{@code None}, exit code file 0;
 * exit 3 → {@code FAILED}/{@code NonZeroExitCode}, scontrol {@code ExitCode=3:0}, exit code file 3;
 * over {@code --time} → {@code TIMEOUT}/{@code TimeLimit}, {@code ExitCode=0:15}, no exit code
 * file, stderr {@code *** JOB n ON host CANCELLED AT ... DUE TO TIME LIMIT ***}; over {@code --mem}
 * → {@code FAILED}/{@code JobLaunchFailure} (not {@code OUT_OF_MEMORY}), {@code ExitCode=0:9}, no
 * exit code file, stderr {@code Exceeded job memory limit}; scancel → {@code CANCELLED}
 * ({@code ExitCode=0:15} if it ran), no exit code file; slurmctld down → every tool fails after
 * about 4 s with {@code Unable to contact slurm controller (connect failure)}, running jobs carry on,
 * and one that ended meanwhile is still {@code RUNNING} for some seconds after the restart.
 */
package org.galley.handler.slurm;
