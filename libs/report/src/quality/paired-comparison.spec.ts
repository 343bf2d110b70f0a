import { summarizeCases } from '@fedstroke/metrics';
import type { CaseRow, SimulationReport } from '../run-report';
import { caseRows, sampleReport } from '../testing/report-fixture';
import { compareRuns, formatComparison, pairedGaps } from './paired-comparison';

/** The sample report with the given per-case test Dice for the federated and the centralized model. */
function run(runId: string, federated: number[], centralized: number[], order: 'same' | 'reversed' = 'same') {
  const report: SimulationReport = { ...sampleReport(), runId };
  const set = (cases: CaseRow[]) => ({ cases, summary: summarizeCases(cases) });
  const [fed, central] = report.approaches;
  fed.test = set(caseRows('test', federated));
  const baseline = caseRows('test', centralized);
  central.test = set(order === 'same' ? baseline : [...baseline].reverse());
  return report;
}

describe('paired comparison of approaches', () => {
  it('takes the mean of the per-case differences and its standard error over the cases', () => {
    const [dice] = pairedGaps(caseRows('c', [0.9, 0.8, 0.6, 0.3]), caseRows('c', [0.7, 0.8, 0.5, 0.4]), 'here', [
      'dice',
    ]);
    // Differences 0.2, 0, 0.1, -0.1: mean 0.05, sample sd √(0.05 / 3), se that / √4.
    expect(dice.approach).toBeCloseTo(0.65, 12);
    expect(dice.baseline).toBeCloseTo(0.6, 12);
    expect(dice.gap).toBeCloseTo(0.05, 12);
    expect(dice.standardError).toBeCloseTo(Math.sqrt(0.05 / 3) / 2, 12);
  });

  it('pairs cases by id, not by their order in the file', () => {
    const same = compareRuns([run('a', [0.9, 0.8, 0.6, 0.3], [0.7, 0.8, 0.5, 0.4])], {
      approach: 'federated',
      baseline: 'centralized',
      set: 'test',
    });
    const reversed = compareRuns([run('a', [0.9, 0.8, 0.6, 0.3], [0.7, 0.8, 0.5, 0.4], 'reversed')], {
      approach: 'federated',
      baseline: 'centralized',
      set: 'test',
    });
    // The same pairs (the means may differ in the last bit: they are summed in another order).
    reversed.runs[0].gaps.forEach((gap, i) => {
      const other = same.runs[0].gaps[i];
      expect(gap.metric).toBe(other.metric);
      expect(gap.gap).toBeCloseTo(other.gap, 12);
      expect(gap.standardError).toBeCloseTo(other.standardError, 12);
    });
    expect(same.runs[0].gaps.find((g) => g.metric === 'dice')?.gap).toBeCloseTo(0.05, 12);
  });

  it('gives the mean and sample sd of the runs’ gaps over seeds', () => {
    const comparison = compareRuns(
      [run('s0', [0.9, 0.8, 0.6, 0.3], [0.7, 0.8, 0.5, 0.4]), run('s1', [0.9, 0.8, 0.6, 0.3], [0.8, 0.7, 0.5, 0.2])],
      { approach: 'federated', baseline: 'centralized', set: 'test' },
    );
    expect(comparison.runs.map((r) => r.runId)).toEqual(['s0', 's1']);
    const dice = comparison.overRuns.find((o) => o.metric === 'dice');
    expect(dice?.meanGap).toBeCloseTo(0.075, 12); // gaps 0.05 and 0.1
    expect(dice?.sdGap).toBeCloseTo(Math.SQRT1_2 * 0.05, 12);
    const table = formatComparison(comparison);
    expect(table).toContain('federated − centralized, paired over the test cases');
    expect(table).toMatch(/Dice\s+s0\s+4\s+0\.650\s+0\.600\s+\+0\.050/);
    expect(table).toMatch(/Dice\s+mean ± sd over 2\s+\+0\.075\s+± 0\.035/);
  });

  it('compares the pooled validation cases when asked', () => {
    const report = run('v', [0.9, 0.8, 0.6, 0.3], [0.7, 0.8, 0.5, 0.4]);
    const comparison = compareRuns([report], { approach: 'federated', baseline: 'centralized', set: 'validation' });
    // The fixture's validation Dice: 0.7, 0.8, 0.9 federated, 0.05 lower centralized.
    expect(comparison.runs[0].cases).toBe(3);
    expect(comparison.runs[0].gaps.find((g) => g.metric === 'dice')?.gap).toBeCloseTo(0.05, 12);
  });

  it('refuses what cannot be paired, naming the run, the approach or the cases', () => {
    const options = { approach: 'federated', baseline: 'centralized', set: 'test' as const };
    expect(() => compareRuns([run('a', [0.5], [0.5])], { ...options, baseline: 'local-only center-9' })).toThrow(
      'compare: run a has no approach "local-only center-9" (the baseline); it has "federated", "centralized"',
    );
    const unequal = run('b', [0.5, 0.6], [0.5, 0.6]);
    unequal.approaches[1].test.cases[1] = { ...unequal.approaches[1].test.cases[1], id: 'other-7' };
    expect(() => compareRuns([unequal], options)).toThrow(
      /run b, test set: the two approaches were evaluated on different cases .*only in the approach: test-1; only in the baseline: other-7/,
    );
    expect(() => compareRuns([run('c', [0.5, 0.6], [0.5, 0.6]), run('d', [0.5], [0.5])], options)).toThrow(
      "compare: run d evaluated test cases other than the first run's (c); compare runs of one data set and split",
    );
    expect(() => compareRuns([], options)).toThrow('give at least one run folder');
    expect(() => compareRuns([run('e', [0.5], [0.5])], { ...options, baseline: 'federated' })).toThrow(
      'the approach and the baseline are both "federated"',
    );
  });

  it('takes the baseline from other runs of the same seeds with --against', () => {
    const options = { approach: 'federated', baseline: 'centralized', set: 'test' as const };
    const seeded = (runId: string, seed: number, federated: number[], centralized: number[]) => {
      const report = run(runId, federated, centralized);
      report.profile = { ...report.profile, seed };
      return report;
    };
    const candidates = [
      seeded('scaffold-s0', 0, [0.9, 0.8, 0.6, 0.3], [0, 0, 0, 0]),
      seeded('scaffold-s1', 1, [0.8, 0.8, 0.6, 0.3], [0, 0, 0, 0]),
    ];
    const references = [
      seeded('fedavg-s0', 0, [0.5, 0.5, 0.5, 0.5], [0.7, 0.8, 0.5, 0.4]),
      seeded('fedavg-s1', 1, [0.5, 0.5, 0.5, 0.5], [0.8, 0.7, 0.5, 0.2]),
    ];
    const comparison = compareRuns(candidates, options, references);
    expect(comparison.runs.map((r) => r.runId)).toEqual(['scaffold-s0 vs fedavg-s0', 'scaffold-s1 vs fedavg-s1']);
    // The candidates' own centralized rows (all 0) are not used: gaps 0.65 − 0.6 and 0.625 − 0.55.
    const dice = comparison.runs.map((r) => r.gaps.find((g) => g.metric === 'dice')?.gap);
    expect(dice[0]).toBeCloseTo(0.05, 12);
    expect(dice[1]).toBeCloseTo(0.075, 12);
    // Candidate − the reference's own federated model: the same approach name on both sides is allowed here.
    const againstFedAvg = compareRuns(candidates, { ...options, baseline: 'federated' }, references);
    expect(againstFedAvg.runs[0].gaps.find((g) => g.metric === 'dice')?.gap).toBeCloseTo(0.15, 12);
  });

  it('refuses an --against run of another seed, another budget, or a different number of runs', () => {
    const options = { approach: 'federated', baseline: 'centralized', set: 'test' as const };
    const seeded = (runId: string, seed: number, steps = 60) => {
      const report = run(runId, [0.5, 0.6], [0.5, 0.6]);
      report.profile = { ...report.profile, seed, totalOptimizerSteps: steps };
      return report;
    };
    expect(() => compareRuns([seeded('a', 0)], options, [seeded('b', 1)])).toThrow(
      'compare: run a has seed 0, its --against run b 1; a paired comparison needs runs of the same seed',
    );
    expect(() => compareRuns([seeded('a', 0)], options, [seeded('b', 0, 120)])).toThrow(
      'compare: run a has optimizer-step budget 60, its --against run b 120',
    );
    expect(() => compareRuns([seeded('a', 0), seeded('c', 1)], options, [seeded('b', 0)])).toThrow(
      'compare: 2 run(s) against 1 baseline run(s); give one --against run per run, in the same order',
    );
    // A summary written before the seed was recorded pairs on the budget alone.
    const unseeded = run('old', [0.5, 0.6], [0.5, 0.6]);
    expect(compareRuns([seeded('a', 3)], options, [unseeded]).runs[0].cases).toBe(2);
  });
});
