import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { privacyReferenceOf, renderReportHtml, type SimulationReport } from '@fedstroke/report';
import type { Command } from 'commander';
import { readRunSummary } from './read-summary';

interface ReportFlags {
  withoutDp: string;
  json?: boolean;
}

async function replace(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "Re-render a DP run's report.html with the same federation without DP beside it: the reference run's " +
        "validation Dice at each round drawn on the privacy-utility curve at the DP run's ε of that round, and both " +
        'final test Dice stated. Both runs must share the profile (model, strategy, rounds, local steps, sites, batch, ' +
        'learning rate) and the test set; summary.json records the reference.',
    )
    .argument('<runDir>', 'the run with differential privacy (runs/<id>)')
    .requiredOption('--without-dp <runDir>', 'the same federation run without differential privacy')
    .option('--json', 'print JSON on stdout')
    .action(async (runDir: string, flags: ReportFlags) => {
      const withDp = await readRunSummary(runDir, 'report', 'run');
      const plain = await readRunSummary(flags.withoutDp, 'report', '--without-dp run');
      const report: SimulationReport = { ...withDp, privacyReference: privacyReferenceOf(withDp, plain) };
      await replace(join(runDir, 'summary.json'), `${JSON.stringify(report, null, 2)}\n`);
      await replace(join(runDir, 'report.html'), renderReportHtml(report));
      const outcome = { report: join(runDir, 'report.html'), privacyReference: report.privacyReference };
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(outcome)}\n`
          : `report: ${outcome.report} (with ${plain.runId} without DP beside it)\n`,
      );
    });
}
