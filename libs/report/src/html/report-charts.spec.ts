import { sampleReport } from '../testing/report-fixture';
import { computeCurveChart, roundDiceChart } from './report-charts';

describe('the learning-curve charts', () => {
  it("draw the global model's validation beside the local models', at the round whose aggregate it scored", () => {
    const report = sampleReport();
    report.rounds[1].metrics.valDiceGlobal = 0.42; // round 2's sites scored round 1's aggregate
    const svg = roundDiceChart(report);
    expect(svg).toContain('global model (sites, weighted)');
    expect(svg).toContain('local models, and the global model');
    expect(roundDiceChart(sampleReport())).not.toContain('global model (sites');
  });

  it('name the federated curve as the global model’s', () => {
    expect(computeCurveChart(sampleReport())).toContain('federated (global model)');
  });
});
