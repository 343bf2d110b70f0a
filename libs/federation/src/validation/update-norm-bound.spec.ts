import { defaultUpdateNormBound, UPDATE_NORM_MULTIPLE } from './update-norm-bound';

describe('defaultUpdateNormBound', () => {
  it('is ten times the global model norm in the first round', () => {
    const { bound, rule } = defaultUpdateNormBound({ globalNorm: 2.5, parameterCount: 100, recentRoundMedians: [] });
    expect(bound).toBe(25);
    expect(rule).toMatch(/global model's norm/);
  });

  it('follows the median of the recent rounds, so one far-off round does not move it', () => {
    const honest = defaultUpdateNormBound({ globalNorm: 50, parameterCount: 100, recentRoundMedians: [1, 1.2, 0.9] });
    expect(honest.bound).toBeCloseTo(UPDATE_NORM_MULTIPLE * 1, 12);
    const withOutlier = defaultUpdateNormBound({
      globalNorm: 50,
      parameterCount: 100,
      recentRoundMedians: [1, 1.2, 1e30, 0.9, 1.1],
    });
    expect(withOutlier.bound).toBeCloseTo(UPDATE_NORM_MULTIPLE * 1.1, 12);
    expect(withOutlier.rule).toMatch(/last 5 completed round/);
  });

  it('counts only the last five rounds and ignores rounds without a figure', () => {
    const { bound } = defaultUpdateNormBound({
      globalNorm: 1,
      parameterCount: 4,
      recentRoundMedians: [100, 100, 100, 2, 2, 2, Number.NaN, 0, 3],
    });
    // last five finite positive: 100, 2, 2, 2, 3 → median 2
    expect(bound).toBe(20);
  });

  it('still bounds an all-zero model', () => {
    expect(defaultUpdateNormBound({ globalNorm: 0, parameterCount: 10000, recentRoundMedians: [] }).bound).toBeCloseTo(
      UPDATE_NORM_MULTIPLE * 1e-3 * 100,
      12,
    );
  });
});
