import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@fedstroke/common';
import { SUMMARY_FORMAT, type SimulationReport } from '@fedstroke/report';

/** A run folder's summary.json, refused with the command, the folder and what was wrong when it is not one. */
export async function readRunSummary(runDir: string, command: string, role: string): Promise<SimulationReport> {
  const path = join(runDir, 'summary.json');
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidArgumentError(
      `${command}: ${role} ${runDir} has no readable summary.json (${error.code ?? error.message})`,
    );
  });
  let summary: SimulationReport;
  try {
    summary = JSON.parse(text) as SimulationReport;
  } catch (error) {
    throw new InvalidArgumentError(`${command}: ${path} is not JSON (${(error as Error).message})`);
  }
  if (summary?.format !== SUMMARY_FORMAT) {
    throw new InvalidArgumentError(
      `${command}: ${path} is not a simulate summary (format ${String(summary?.format)}, expected ${SUMMARY_FORMAT})`,
    );
  }
  return summary;
}
