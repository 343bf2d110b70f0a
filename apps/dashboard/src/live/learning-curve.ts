/**
 * Learning curves from the rounds: one series per site (the metric it reported with its accepted update) and the
 * round's sample-weighted value (what the coordinator aggregated), over completed rounds. Pure, so tested alone.
 *
 * The global model's curve is the honest one: the mean of the sites' local models after their local steps (valDice)
 * flatters the federation whenever averaging costs accuracy (client drift), and the global model is what is served.
 * A site scores the aggregate it receives when a round opens, so round r's valDiceGlobal belongs to the model that
 * round r − 1 produced (round 0: the initial weights), and the curve plots it there.
 */
import type { RoundFieldsFragment } from '../graphql/generated';

export interface CurveSpec {
  metric: string;
  title: string;
  axis: string;
  /** The value reported in round r scores the model of round r − 1 (the aggregate the site received). */
  scoresReceivedModel?: boolean;
  /** Shown when no completed round carries the metric. */
  empty?: string;
}

/** The metric names are the site agent's (apps/site SITE_METRICS); the coordinator weights them by samples. */
export const CURVES: readonly CurveSpec[] = [
  { metric: 'trainLoss', title: 'Training loss', axis: 'loss' },
  {
    metric: 'valDiceGlobal',
    title: 'Global model validation Dice',
    axis: 'Dice',
    scoresReceivedModel: true,
    empty: 'No site has scored a global model yet: sites do when FEDSTROKE_SITE_VALIDATE_GLOBAL is on.',
  },
  { metric: 'valDice', title: 'Local validation Dice (after local steps)', axis: 'Dice' },
];

export interface CurveSeries {
  label: string;
  weighted: boolean;
  values: Array<number | null>;
}

export interface CurveData {
  rounds: number[];
  series: CurveSeries[];
}

export const WEIGHTED_LABEL = 'all sites (weighted by samples)';

function metricOf(metrics: ReadonlyArray<{ name: string; value: number }>, name: string): number | null {
  return metrics.find((m) => m.name === name)?.value ?? null;
}

export function learningCurve(
  rounds: readonly RoundFieldsFragment[],
  { metric, scoresReceivedModel }: Pick<CurveSpec, 'metric' | 'scoresReceivedModel'>,
  siteName: (siteId: string) => string,
): CurveData {
  const completed = rounds.filter((r) => r.status === 'COMPLETED').sort((a, b) => a.index - b.index);
  const siteIds = new Set<string>();
  for (const round of completed) {
    for (const p of round.participants)
      if (p.status === 'ACCEPTED' && metricOf(p.metrics, metric) !== null) siteIds.add(p.siteId);
  }
  const sites = [...siteIds].sort((a, b) => siteName(a).localeCompare(siteName(b)));
  const perSite = sites.map((siteId) => ({
    label: siteName(siteId),
    weighted: false,
    values: completed.map((round) => {
      const p = round.participants.find((x) => x.siteId === siteId && x.status === 'ACCEPTED');
      return p ? metricOf(p.metrics, metric) : null;
    }),
  }));
  const weighted = { label: WEIGHTED_LABEL, weighted: true, values: completed.map((r) => metricOf(r.metrics, metric)) };
  const modelRound = (index: number) => (scoresReceivedModel ? index - 1 : index);
  return { rounds: completed.map((r) => modelRound(r.index)), series: [...perSite, weighted] };
}

/** Rounds where at least one series has a value (validation runs only every few rounds). */
export function roundsWithValues(curve: CurveData): number[] {
  return curve.rounds.filter((_, i) => curve.series.some((s) => s.values[i] !== null));
}
