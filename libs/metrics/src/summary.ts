import { MetricsInputError } from './errors';
import type { CaseMetrics } from './case-metrics';

/** Descriptive statistics of one metric over cases. */
export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single value, which has no spread to estimate. */
  sd: number;
  /** Middle value; the mean of the two middle values when n is even. */
  median: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[], name = 'values'): Summary {
  if (values.length === 0) {
    throw new MetricsInputError(`cannot summarize ${name}: no values (need at least one case)`);
  }
  const bad = values.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    throw new MetricsInputError(`cannot summarize ${name}: value #${bad} is ${values[bad]}, expected a finite number`);
  }
  const n = values.length;
  const mean = values.reduce((sum, x) => sum + x, 0) / n;
  const squares = values.reduce((sum, x) => sum + (x - mean) ** 2, 0);
  const sorted = [...values].sort((a, b) => a - b);
  const middle = n >> 1;
  return {
    n,
    mean,
    sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    median: n % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2,
    min: sorted[0],
    max: sorted[n - 1],
  };
}

/** The per-case figures a set summary needs (a `CaseMetrics` row has them all). */
export type SummarizableCase = Pick<CaseMetrics, 'dice' | 'avdMl' | 'ald' | 'lesionF1' | 'gtVolumeMl' | 'predVolumeMl'>;

/** Per-metric summaries over a set of cases, plus the Dice shares the reference study reports. */
export interface CaseSetSummary {
  n: number;
  dice: Summary;
  avdMl: Summary;
  ald: Summary;
  lesionF1: Summary;
  gtVolumeMl: Summary;
  predVolumeMl: Summary;
  /** Share (0..1) of cases with Dice > 0.8 (strictly). */
  shareDiceAbove08: number;
  /** Share (0..1) of cases with Dice < 0.5 (strictly). */
  shareDiceBelow05: number;
}

export function summarizeCases(rows: readonly SummarizableCase[]): CaseSetSummary {
  if (rows.length === 0) {
    throw new MetricsInputError('cannot summarize cases: the set is empty (need at least one evaluated case)');
  }
  const column = (key: keyof SummarizableCase): Summary =>
    summarize(
      rows.map((row) => row[key]),
      key,
    );
  const diceValues = rows.map((row) => row.dice);
  return {
    n: rows.length,
    dice: column('dice'),
    avdMl: column('avdMl'),
    ald: column('ald'),
    lesionF1: column('lesionF1'),
    gtVolumeMl: column('gtVolumeMl'),
    predVolumeMl: column('predVolumeMl'),
    shareDiceAbove08: diceValues.filter((d) => d > 0.8).length / rows.length,
    shareDiceBelow05: diceValues.filter((d) => d < 0.5).length / rows.length,
  };
}
