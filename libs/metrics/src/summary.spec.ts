import { MetricsInputError } from './errors';
import { summarize, summarizeCases, type SummarizableCase } from './summary';

describe('summarize', () => {
  it('gives the mean, the sample sd and the median of an even count', () => {
    // mean 5; squared deviations 9 + 1 + 1 + 9 = 20; sample variance 20 / 3.
    const s = summarize([8, 2, 6, 4]);
    expect(s).toMatchObject({ n: 4, mean: 5, median: 5, min: 2, max: 8 });
    expect(s.sd).toBeCloseTo(Math.sqrt(20 / 3), 12);
  });

  it('takes the middle value for an odd count and sd 0 for a single value', () => {
    expect(summarize([3, 100, 1])).toMatchObject({ median: 3, min: 1, max: 100 });
    expect(summarize([0.7])).toEqual({ n: 1, mean: 0.7, sd: 0, median: 0.7, min: 0.7, max: 0.7 });
  });

  it('rejects no values and non-finite values, naming the metric', () => {
    expect(() => summarize([], 'dice')).toThrow(MetricsInputError);
    expect(() => summarize([], 'dice')).toThrow('cannot summarize dice: no values');
    expect(() => summarize([1, Number.NaN], 'avdMl')).toThrow('value #1 is NaN');
  });
});

describe('summarizeCases', () => {
  const row = (dice: number, avdMl = 0): SummarizableCase => ({
    dice,
    avdMl,
    ald: 1,
    lesionF1: 0.5,
    gtVolumeMl: 10,
    predVolumeMl: 10 + avdMl,
  });

  it('summarizes every metric and the shares of cases with Dice > 0.8 and < 0.5 (strict bounds)', () => {
    const summary = summarizeCases([row(0.9), row(0.8), row(0.5), row(0.2, 4), row(0.85)]);
    expect(summary.n).toBe(5);
    expect(summary.dice.median).toBe(0.8);
    expect(summary.avdMl).toMatchObject({ mean: 0.8, max: 4 });
    expect(summary.ald.sd).toBe(0);
    expect(summary.shareDiceAbove08).toBeCloseTo(2 / 5, 12);
    expect(summary.shareDiceBelow05).toBeCloseTo(1 / 5, 12);
  });

  it('rejects an empty set', () => {
    expect(() => summarizeCases([])).toThrow('cannot summarize cases: the set is empty');
  });
});
