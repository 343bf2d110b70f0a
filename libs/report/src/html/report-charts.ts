/**
 * The report's figures, built from a SimulationReport: per-round learning curves of the federation (each site's
 * local validation Dice and training loss, the coordinator's sample-weighted mean, and the global model's validation
 * Dice), validation Dice against the compute spent for every approach (the federation's: its global model), and the
 * per-case test Dice histogram.
 */
import { histogramSvg } from '../svg/histogram';
import { lineChartSvg, type LineSeries } from '../svg/line-chart';
import type { RoundRow, SimulationReport } from '../run-report';

/** Client metric names the site agents report (and the coordinator averages by sample count). */
export const ROUND_METRICS = { valDice: 'valDice', valDiceGlobal: 'valDiceGlobal', trainLoss: 'trainLoss' } as const;

function perSiteSeries(rounds: readonly RoundRow[], metric: string): LineSeries[] {
  const sites = [...new Set(rounds.flatMap((r) => r.participants.map((p) => p.site)))].sort();
  const series: LineSeries[] = sites.map((site) => ({
    name: site,
    points: rounds.map((r) => {
      const p = r.participants.find((q) => q.site === site && q.status === 'ACCEPTED');
      return { x: r.index, y: p?.metrics[metric] ?? NaN };
    }),
  }));
  series.push({
    name: 'weighted mean',
    color: '#000000',
    dashed: true,
    points: rounds.map((r) => ({ x: r.index, y: r.metrics[metric] ?? NaN })),
  });
  return series;
}

/**
 * Each site's local model after its local steps (and their weighted mean), and the global model: round r's sites
 * score the aggregate of round r − 1 as it opens, so that figure is drawn at round r − 1.
 */
export function roundDiceChart(report: SimulationReport): string {
  const series = perSiteSeries(report.rounds, ROUND_METRICS.valDice);
  const global = report.rounds
    .filter((r) => typeof r.metrics[ROUND_METRICS.valDiceGlobal] === 'number')
    .map((r) => ({ x: r.index - 1, y: r.metrics[ROUND_METRICS.valDiceGlobal] }));
  if (global.length > 0) series.push({ name: 'global model (sites, weighted)', color: '#d62728', points: global });
  return lineChartSvg(series, {
    title: 'Validation Dice after each round: local models, and the global model',
    xLabel: 'round',
    yLabel: 'Dice',
    yDomain: [0, 1],
  });
}

export function roundLossChart(report: SimulationReport): string {
  return lineChartSvg(perSiteSeries(report.rounds, ROUND_METRICS.trainLoss), {
    title: 'Local training loss per round',
    xLabel: 'round',
    yLabel: 'Dice + BCE loss',
  });
}

export function computeCurveChart(report: SimulationReport): string {
  const series: LineSeries[] = report.approaches
    .filter((a) => a.curve.length > 0)
    .map((a) => ({
      // The federated curve is the global model's (federated-curve.ts), never the mean of the local models.
      name: a.kind === 'federated' ? `${a.name} (global model)` : a.name,
      points: a.curve.map((p) => ({ x: p.steps, y: p.dice })),
      dashed: a.kind !== 'federated',
    }));
  return lineChartSvg(series, {
    title: 'Validation Dice against compute',
    xLabel: 'optimizer steps spent on the model (all sites)',
    yLabel: 'mean validation Dice',
    yDomain: [0, 1],
  });
}

/** ε after each round at the run's δ (client level, and sample level at the most exposed site); '' without DP. */
export function epsilonChart(report: SimulationReport): string {
  const series: LineSeries[] = [
    { name: 'client-level ε (DP-FedAvg)', key: 'epsilon' as const },
    { name: 'sample-level ε (DP-SGD, worst site)', key: 'sampleEpsilon' as const },
  ]
    .filter(({ key }) => report.rounds.some((r) => typeof r.privacy?.[key] === 'number'))
    .map(({ name, key }) => ({
      name,
      points: report.rounds.map((r) => ({ x: r.index, y: r.privacy?.[key] ?? NaN })),
    }));
  if (series.length === 0) return '';
  const delta = report.profile.privacy?.differentialPrivacy?.delta;
  return lineChartSvg(series, {
    title: `Privacy spent: ε after each round${delta === undefined ? '' : ` at δ = ${delta}`}`,
    xLabel: 'round',
    yLabel: 'ε',
  });
}

/**
 * The privacy-utility curve of a DP run: the sites' sample-weighted validation Dice of each validated round against
 * the ε spent by then (client level, else sample level); '' without DP. With a privacy reference (the same run
 * without DP), its Dice after the same round is drawn at the DP run's ε of that round: the gap is what the noise
 * cost at that budget.
 */
export function privacyUtilityChart(report: SimulationReport): string {
  const epsilonAt = new Map(
    report.rounds.map((r) => [r.index, r.privacy?.epsilon ?? r.privacy?.sampleEpsilon ?? NaN] as const),
  );
  const points = report.rounds
    .map((r) => ({ x: epsilonAt.get(r.index) ?? NaN, y: r.metrics[ROUND_METRICS.valDice] ?? NaN }))
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (points.length === 0) return '';
  const series: LineSeries[] = [{ name: 'federated, with DP', points }];
  const reference = report.privacyReference;
  if (reference) {
    series.push({
      name: `same run without DP (${reference.runId}), at the same round`,
      dashed: true,
      points: reference.rounds
        .map((r) => ({ x: epsilonAt.get(r.index) ?? NaN, y: r.valDice }))
        .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)),
    });
  }
  const level = report.rounds.some((r) => typeof r.privacy?.epsilon === 'number') ? 'client-level' : 'sample-level';
  return lineChartSvg(series, {
    title: 'Privacy against utility: validation Dice against ε',
    xLabel: `${level} ε spent`,
    yLabel: 'Dice',
    yDomain: [0, 1],
  });
}

export function testDiceHistogram(report: SimulationReport): string {
  return histogramSvg(
    report.approaches.map((a) => ({ name: a.name, values: a.test.cases.map((c) => c.dice) })),
    { title: 'Per-case Dice on the independent test set', xLabel: 'Dice', range: [0, 1], bins: 10 },
  );
}
