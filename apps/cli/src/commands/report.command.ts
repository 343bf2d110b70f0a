import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@fedstroke/common';
import { privacyReferenceOf, renderReportHtml, SUMMARY_FORMAT, type SimulationReport } from '@fedstroke/report';
import type { Command } from 'commander';

interface ReportFlags {
  withoutDp: string;
  json?: boolean;
}

async function readSummary(runDir: string, role: string): Promise<SimulationReport> {
  const path = join(runDir, 'summary.json');
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidArgumentError(
      `report: ${role} ${runDir} has no readable summary.json (${error.code ?? error.message})`,
    );
  });
  const summary = JSON.parse(text) as SimulationReport;
  if (summary.format !== SUMMARY_FORMAT) {
    throw new InvalidArgumentError(
      `report: ${path} is not a simulate summary (format ${String(summary.format)}, expected ${SUMMARY_FORMAT})`,
    );
  }
  return summary;
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
      const withDp = await readSummary(runDir, 'run');
      const plain = await readSummary(flags.withoutDp, '--without-dp run');
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
