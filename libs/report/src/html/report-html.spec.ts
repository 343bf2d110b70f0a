import { renderReportHtml } from './report-html';
import { privateReport, sampleReport } from '../testing/report-fixture';

describe('renderReportHtml', () => {
  const html = renderReportHtml(sampleReport());

  it('holds the learning curves, the Dice histogram and the overlay images inline', () => {
    expect(html.match(/<svg [^>]*class="chart line-chart"/g)).toHaveLength(3);
    expect(html.match(/<svg [^>]*class="chart histogram"/g)).toHaveLength(1);
    expect(html.match(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+"/g)).toHaveLength(2);
    // A self-contained page: nothing fetched from elsewhere.
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org|127\.0\.0\.1)/);
  });

  it('reports validation and test Dice as mean ± sd, median and the shares, for each approach', () => {
    // federated test Dice 0.95, 0.85, 0.6, 0.3: mean 0.675, median 0.725, 25% above 0.8... 2 of 4 are > 0.8.
    expect(html).toContain(
      '<td>federated</td><td>test</td><td class="num">4</td><td class="num">0.675 ± 0.290</td><td class="num">0.725</td><td class="num">50%</td><td class="num">25%</td>',
    );
    expect(html).toContain('<td>centralized</td><td>validation</td>');
  });

  it('lists every round with its rejections and escapes text from the run', () => {
    expect(html).toContain('center-2: NON_FINITE: NaN at 3');
    expect(html).toContain('run-&lt;1&gt;');
    expect(html).not.toContain('run-<1>');
  });

  it("names the strategy, and FedProx's μ only for a run that had one", () => {
    expect(html).toContain('(21,733 parameters), FEDAVG, 2 rounds');
    const base = sampleReport();
    const fedprox = renderReportHtml({ ...base, profile: { ...base.profile, strategy: 'FEDPROX', proximalMu: 0.01 } });
    expect(fedprox).toContain('(21,733 parameters), FEDPROX (μ 0.01), 2 rounds');
  });

  it('has no privacy paragraph, ε column or ε charts for a run without secure aggregation or DP', () => {
    expect(html).not.toContain('Privacy:');
    expect(html).not.toContain('<th>ε</th>');
  });
});

describe('renderReportHtml of a private run', () => {
  const report = privateReport({ secureAggregation: true, targetEpsilon: 40 });
  const html = renderReportHtml(report);

  it('states what protected the updates and the final model’s ε at δ', () => {
    expect(html).toContain(
      'Privacy: secure aggregation: each site clipped its update to L2 norm 0.5 and sent it masked; the coordinator ' +
        'could unmask only the sum of at least 2 sites; client-level DP-FedAvg with noise multiplier 1.1 at clip norm ' +
        '0.5; the final model is (ε, δ)-differentially private with client-level ε = 7.250 at δ = 0.00001 (budget 40).',
    );
  });

  it('adds ε to the rounds table and draws ε against rounds and validation Dice against ε', () => {
    expect(html).toContain('<th>ε</th>');
    expect(html).toContain('<td class="num">4.500</td>');
    expect(html).toContain('Privacy spent: ε after each round at δ = 0.00001');
    expect(html).toContain('Privacy against utility: validation Dice against ε');
    expect(html.match(/<svg [^>]*class="chart line-chart"/g)).toHaveLength(5);
  });
});
