import { privacyUtilityChart } from './html/report-charts';
import { renderReportHtml } from './html/report-html';
import { privacyReferenceOf } from './privacy-reference';
import type { SimulationReport } from './run-report';
import { privateReport, sampleReport } from './testing/report-fixture';

/** The fixture with client-level DP on: ε 4.5 and 7.25 after its two rounds. */
function dpReport(): SimulationReport {
  const report = privateReport({ secureAggregation: false, targetEpsilon: null });
  report.runId = 'with-dp';
  return report;
}

/** The fixture without DP, whose rounds validated better (0.4, 0.8). */
function plainReport(): SimulationReport {
  const report = sampleReport();
  report.runId = 'plain';
  report.rounds.forEach((round) => {
    round.metrics.valDice = 0.4 * round.index;
  });
  return report;
}

describe('privacyReferenceOf', () => {
  it("takes the plain run's validation Dice per round and its final test Dice", () => {
    const plain = plainReport();
    const federated = plain.approaches[0].test.summary.dice;
    expect(privacyReferenceOf(dpReport(), plain)).toEqual({
      runId: 'plain',
      rounds: [
        { index: 1, valDice: 0.4 },
        { index: 2, valDice: 0.8 },
      ],
      testDice: { mean: federated.mean, sd: federated.sd },
    });
  });

  it('refuses runs that cannot be compared round for round, naming why', () => {
    expect(() => privacyReferenceOf(plainReport(), plainReport())).toThrow(
      'run plain has no differential privacy: there is nothing to compare',
    );
    expect(() => privacyReferenceOf(dpReport(), dpReport())).toThrow(
      'reference run with-dp has differential privacy on: the reference must be the same federation without DP',
    );
    const longer = plainReport();
    longer.profile.rounds = 4;
    expect(() => privacyReferenceOf(dpReport(), longer)).toThrow(
      'reference run plain differs in rounds (4, the DP run with-dp has 2): compare runs of the same profile',
    );
    const otherTest = plainReport();
    otherTest.data.testCases = 9;
    expect(() => privacyReferenceOf(dpReport(), otherTest)).toThrow(
      'reference run plain was tested on 9 cases, the DP run on 4',
    );
  });
});

describe('the privacy-utility view with the run without DP beside it', () => {
  const report = dpReport();
  report.privacyReference = privacyReferenceOf(report, plainReport());

  it("draws the plain run's Dice at the DP run's ε of the same round", () => {
    const svg = privacyUtilityChart(report);
    const names = [...svg.matchAll(/<g class="series" data-name="([^"]*)">/g)].map((m) => m[1]);
    expect(names).toEqual(['federated, with DP', 'same run without DP (plain), at the same round']);
    // Two points per series, the same x (ε 4.5 and 7.25), the plain run higher at both.
    const ys = [...svg.matchAll(/<g class="series"[^>]*><path d="([^"]*)"/g)].map((m) =>
      [...m[1].matchAll(/-?[\d.]+/g)].map((n) => Number(n[0])),
    );
    expect(ys).toHaveLength(2);
    expect(ys[1][0]).toBe(ys[0][0]);
    expect(ys[1][2]).toBe(ys[0][2]);
    expect(ys[1][1]).toBeLessThan(ys[0][1]);
    expect(ys[1][3]).toBeLessThan(ys[0][3]);
  });

  it('states both final test Dice', () => {
    const dice = report.approaches[0].test.summary.dice;
    expect(renderReportHtml(report)).toContain(
      `the same federation without DP (run plain) reached test Dice ${dice.mean.toFixed(3)} ± ${dice.sd.toFixed(3)}, ` +
        `against ${dice.mean.toFixed(3)} ± ${dice.sd.toFixed(3)} with DP.`,
    );
  });

  it('draws the DP curve alone without a reference', () => {
    expect(privacyUtilityChart(dpReport())).not.toContain('without DP');
  });
});
