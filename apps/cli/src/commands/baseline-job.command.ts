import { FedstrokeError } from '@fedstroke/common';
import type { Command } from 'commander';
import { BaselineJobError, readBaselineJob, writeJsonAtomic } from '../simulate/baseline-job';
import { runBaselineJob } from '../simulate/baseline-job-runner';
import { BaselineProgressReporter } from '../simulate/baseline-progress';

interface BaselineJobFlags {
  job: string;
  out: string;
}

/** How often a child checks that the simulation that started it is still there. */
const PARENT_CHECK_MS = 2000;

/**
 * `fedstroke baseline-job` (hidden; `fedstroke simulate --baselines` starts it): trains and evaluates one baseline
 * described by a job file, prints progress as JSON lines on stdout, and writes the ApproachResult JSON to --out.
 */
export function registerBaselineJobCommand(program: Command): void {
  program
    .command('baseline-job', { hidden: true })
    .description('Train and evaluate one simulation baseline (started by `fedstroke simulate --baselines`).')
    .requiredOption('--job <file>', 'baseline job JSON written by the simulation')
    .requiredOption('--out <file>', 'where the result JSON goes (written atomically)')
    .action(async (flags: BaselineJobFlags) => {
      const job = await readBaselineJob(flags.job);
      const stopWatching = exitWithParent();
      const progress = new BaselineProgressReporter(job.spec.slug, job.spec.steps, (line) =>
        process.stdout.write(line),
      );
      try {
        progress.phase('load');
        const result = await runBaselineJob(job, {
          onStep: (step) => progress.trained(step),
          onEvaluate: () => progress.phase('evaluate'),
        });
        await writeJsonAtomic(flags.out, result);
        progress.phase('done');
      } catch (error) {
        // Unexpected errors keep their stack in the log; every failure names the job file.
        if (!(error instanceof FedstrokeError)) process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
        throw new BaselineJobError(`baseline job ${flags.job} (${job.spec.name}): ${(error as Error).message}`, {
          cause: error,
        });
      } finally {
        stopWatching();
      }
    });
}

/**
 * The simulation stops its children on failure and on Ctrl-C; if it is killed outright (SIGKILL, OOM), the child
 * notices it was re-parented and exits instead of training on for nobody.
 */
function exitWithParent(): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    process.stderr.write(`baseline job: the simulation (pid ${parent}) is gone; exiting\n`);
    process.exit(1);
  }, PARENT_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
