import { renderReportHtml } from './report-html';
import { sampleReport } from '../testing/report-fixture';

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
});
