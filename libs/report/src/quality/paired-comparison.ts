/**
 * Paired comparison of two approaches over the same cases, and over several runs (seeds): what a study reports as
 * "federated − centralized". Per run, the gap is the mean of the per-case differences, with the standard error of
 * those differences; over runs, the mean and sample sd of the runs' gaps. Pairing by case removes the spread that
 * comes from which cases are hard, which is most of the spread of either approach alone.
 */
import { InvalidArgumentError } from '@fedstroke/common';
import { summarize } from '@fedstroke/metrics';
import type { CaseRow, SimulationReport } from '../run-report';
import { formatTable } from '../summary-table';

/** The per-case figures a comparison can pair (Dice and lesion F1: higher is better; ALD and AVD: lower). */
export const PAIRED_METRICS = ['dice', 'lesionF1', 'ald', 'avdMl'] as const;
export type PairedMetric = (typeof PAIRED_METRICS)[number];

export type ComparedSet = 'test' | 'validation';

export interface PairedGap {
  metric: PairedMetric;
  /** Mean over the paired cases of the approach, of the baseline, and of approach − baseline. */
  approach: number;
  baseline: number;
  gap: number;
  /** Standard error of the mean difference (sample sd / √n); 0 for a single case. */
  standardError: number;
}

export interface RunComparison {
  runId: string;
  cases: number;
  gaps: PairedGap[];
}

export interface ComparisonOverRuns {
  approach: string;
  baseline: string;
  set: ComparedSet;
  runs: RunComparison[];
  /** Mean and sample sd (0 for one run) of the runs' gaps, per metric. */
  overRuns: Array<{ metric: PairedMetric; meanGap: number; sdGap: number }>;
}

function casesOf(report: SimulationReport, name: string, set: ComparedSet, role: string): CaseRow[] {
  const approach = report.approaches.find((a) => a.name === name);
  if (!approach) {
    const names = report.approaches.map((a) => `"${a.name}"`).join(', ');
    throw new InvalidArgumentError(
      `compare: run ${report.runId} has no approach "${name}" (the ${role}); it has ${names}` +
        (role === 'baseline' ? ' (simulate --baselines trains the centralized and local-only ones)' : ''),
    );
  }
  return set === 'test' ? approach.test.cases : approach.validation.pooled.cases;
}

/** approach − baseline over the cases both were evaluated on, which must be the same cases. */
export function pairedGaps(
  approach: readonly CaseRow[],
  baseline: readonly CaseRow[],
  where: string,
  metrics: readonly PairedMetric[] = PAIRED_METRICS,
): PairedGap[] {
  const byId = new Map(baseline.map((row) => [row.id, row]));
  const unpaired = approach.filter((row) => !byId.has(row.id)).map((row) => row.id);
  if (unpaired.length > 0 || approach.length !== baseline.length) {
    const missing = baseline.filter((row) => !approach.some((a) => a.id === row.id)).map((row) => row.id);
    throw new InvalidArgumentError(
      `compare: ${where}: the two approaches were evaluated on different cases ` +
        `(${approach.length} against ${baseline.length}; only in the approach: ${unpaired.slice(0, 5).join(', ') || 'none'}; ` +
        `only in the baseline: ${missing.slice(0, 5).join(', ') || 'none'}); a paired comparison needs the same cases`,
    );
  }
  if (approach.length === 0) throw new InvalidArgumentError(`compare: ${where}: no evaluated cases to compare`);
  return metrics.map((metric) => {
    const differences = approach.map((row) => row[metric] - (byId.get(row.id) as CaseRow)[metric]);
    const spread = summarize(differences, `${where} ${metric} differences`);
    return {
      metric,
      approach: summarize(
        approach.map((row) => row[metric]),
        metric,
      ).mean,
      baseline: summarize(
        baseline.map((row) => row[metric]),
        metric,
      ).mean,
      gap: spread.mean,
      standardError: spread.sd / Math.sqrt(spread.n),
    };
  });
}

/**
 * `approach` − `baseline` in each run, then over the runs. The runs are meant to differ only in their seed, so every
 * run must evaluate on the same cases: a comparison across different test sets would mix sets with seeds.
 *
 * With `baselineRuns`, the baseline of run i is taken from baselineRuns[i] instead: a candidate's runs against the
 * runs that trained the baseline once per seed (e.g. SCAFFOLD's runs against FedAvg runs made with --baselines
 * centralized), so a screening does not train the same centralized model again for every candidate. Such a pair must
 * be of one seed and one optimizer-step budget where both record them, and of the same cases.
 */
export function compareRuns(
  reports: readonly SimulationReport[],
  options: { approach: string; baseline: string; set: ComparedSet },
  baselineRuns?: readonly SimulationReport[],
): ComparisonOverRuns {
  if (reports.length === 0) throw new InvalidArgumentError('compare: give at least one run folder');
  if (baselineRuns && baselineRuns.length !== reports.length) {
    throw new InvalidArgumentError(
      `compare: ${reports.length} run(s) against ${baselineRuns.length} baseline run(s); give one --against run per ` +
        'run, in the same order (the same seed each)',
    );
  }
  if (!baselineRuns && options.approach === options.baseline) {
    throw new InvalidArgumentError(`compare: the approach and the baseline are both "${options.approach}"`);
  }
  let firstCases: string | undefined;
  const runs = reports.map((report, i) => {
    const baselineReport = baselineRuns?.[i] ?? report;
    if (baselineReport !== report) checkSameProfile(report, baselineReport);
    const approach = casesOf(report, options.approach, options.set, 'approach');
    const baseline = casesOf(baselineReport, options.baseline, options.set, 'baseline');
    const ids = approach
      .map((row) => row.id)
      .sort()
      .join(',');
    firstCases ??= ids;
    if (ids !== firstCases) {
      throw new InvalidArgumentError(
        `compare: run ${report.runId} evaluated ${options.set} cases other than the first run's ` +
          `(${reports[0].runId}); compare runs of one data set and split`,
      );
    }
    const runId = baselineReport === report ? report.runId : `${report.runId} vs ${baselineReport.runId}`;
    return {
      runId,
      cases: approach.length,
      gaps: pairedGaps(approach, baseline, `run ${runId}, ${options.set} set`),
    };
  });
  const overRuns = PAIRED_METRICS.map((metric) => {
    const gaps = summarize(
      runs.map((run) => (run.gaps.find((g) => g.metric === metric) as PairedGap).gap),
      `${metric} gaps`,
    );
    return { metric, meanGap: gaps.mean, sdGap: gaps.sd };
  });
  return { approach: options.approach, baseline: options.baseline, set: options.set, runs, overRuns };
}

/** A run and the run its baseline comes from: one seed and one budget, or the pairing compares something else. */
function checkSameProfile(report: SimulationReport, against: SimulationReport): void {
  const a = report.profile;
  const b = against.profile;
  const differ = (what: string, x: unknown, y: unknown) =>
    new InvalidArgumentError(
      `compare: run ${report.runId} has ${what} ${String(x)}, its --against run ${against.runId} ${String(y)}; ` +
        `a paired comparison needs runs of the same ${what}`,
    );
  if (a.seed !== undefined && b.seed !== undefined && a.seed !== b.seed) throw differ('seed', a.seed, b.seed);
  if (a.totalOptimizerSteps !== b.totalOptimizerSteps) {
    throw differ('optimizer-step budget', a.totalOptimizerSteps, b.totalOptimizerSteps);
  }
}

const METRIC_LABELS: Record<PairedMetric, string> = {
  dice: 'Dice',
  lesionF1: 'lesion F1',
  ald: 'ALD',
  avdMl: 'AVD mL',
};
const signed = (value: number, digits: number) => `${value >= 0 ? '+' : '-'}${Math.abs(value).toFixed(digits)}`;

/** The comparison as `fedstroke compare` prints it: per metric, a row per run, then the gaps' mean ± sd over runs. */
export function formatComparison(comparison: ComparisonOverRuns): string {
  const digits = (metric: PairedMetric) => (metric === 'dice' || metric === 'lesionF1' ? 3 : 2);
  const header = ['metric', 'run', 'n', comparison.approach, comparison.baseline, 'gap', 'se'];
  const rows = PAIRED_METRICS.flatMap((metric) => {
    const d = digits(metric);
    const over = comparison.overRuns.find((o) => o.metric === metric) as ComparisonOverRuns['overRuns'][number];
    return [
      ...comparison.runs.map((run) => {
        const g = run.gaps.find((gap) => gap.metric === metric) as PairedGap;
        const cells = [g.approach.toFixed(d), g.baseline.toFixed(d), signed(g.gap, d), g.standardError.toFixed(d)];
        return [METRIC_LABELS[metric], run.runId, String(run.cases), ...cells];
      }),
      [
        METRIC_LABELS[metric],
        `mean ± sd over ${comparison.runs.length}`,
        '',
        '',
        '',
        signed(over.meanGap, d),
        `± ${over.sdGap.toFixed(d)}`,
      ],
    ];
  });
  return [
    `${comparison.approach} − ${comparison.baseline}, paired over the ${comparison.set} cases of each run ` +
      '(gap: mean of the per-case differences; se: its standard error; the last row of each metric: the mean and sd ' +
      "of the runs' gaps). Dice and lesion F1: higher is better; ALD and AVD: lower is better.",
    formatTable(header, rows),
  ].join('\n');
}
