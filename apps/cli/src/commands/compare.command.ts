import { InvalidArgumentError } from '@fedstroke/common';
import { compareRuns, formatComparison, type ComparedSet } from '@fedstroke/report';
import type { Command } from 'commander';
import { readRunSummary } from './read-summary';

interface CompareFlags {
  approach: string;
  baseline: string;
  set: string;
  against: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      'Paired comparison of two approaches of simulate runs (seeds of one profile): per run, the mean of the ' +
        'per-case differences in Dice, lesion F1, ALD and AVD with its standard error; over the runs, the mean and ' +
        'sd of those gaps. e.g. the three-seed "federated − centralized" of runs made with --baselines centralized.',
    )
    .argument('<runDirs...>', 'run folders (runs/<id>), each with a summary.json')
    .option('--approach <name>', 'the approach compared', 'federated')
    .option('--baseline <name>', 'what it is compared with (centralized, "local-only center-1", ...)', 'centralized')
    .option(
      '--against <runDir>',
      'take the baseline from this run instead (once per run, in order, same seed and budget): a candidate ' +
        'strategy against FedAvg runs that trained the centralized baseline, without training it again',
      collect,
      [],
    )
    .option('--set <set>', 'test or validation (the sites’ validation splits pooled)', 'test')
    .option('--json', 'print JSON on stdout')
    .action(async (runDirs: string[], flags: CompareFlags) => {
      if (flags.set !== 'test' && flags.set !== 'validation') {
        throw new InvalidArgumentError(`compare: --set is "${flags.set}"; expected test or validation`);
      }
      const reports = [];
      for (const dir of runDirs) reports.push(await readRunSummary(dir, 'compare', 'run'));
      const against = [];
      for (const dir of flags.against) against.push(await readRunSummary(dir, 'compare', '--against run'));
      const comparison = compareRuns(
        reports,
        { approach: flags.approach, baseline: flags.baseline, set: flags.set as ComparedSet },
        against.length > 0 ? against : undefined,
      );
      process.stdout.write(flags.json ? `${JSON.stringify(comparison)}\n` : `${formatComparison(comparison)}\n`);
    });
}
