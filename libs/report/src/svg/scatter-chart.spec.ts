import { CHART_MARGIN } from './line-chart';
import { decadeTicks, logScale } from './scale';
import { scatterChartSvg } from './scatter-chart';

describe('logScale and decadeTicks', () => {
  it('maps decades to equal distances and ticks the powers of ten', () => {
    const x = logScale([0.1, 100], [0, 300]);
    expect([0.1, 1, 10, 100].map(x)).toEqual([0, 100, 200, 300]);
    expect(x(0)).toBe(0);
    expect(decadeTicks(0.05, 120)).toEqual([0.1, 1, 10, 100]);
    expect(decadeTicks(0, 10)).toEqual([]);
  });
});

describe('scatterChartSvg', () => {
  const svg = scatterChartSvg(
    [
      {
        name: 'federated',
        points: [
          { x: 0.1, y: 0, label: 'case <1>' },
          { x: 100, y: 1 },
          { x: 0, y: 0.5 },
        ],
      },
      { name: 'centralized', points: [{ x: 1, y: 0.5 }] },
    ],
    {
      title: 'Dice vs volume',
      xLabel: 'mL',
      yLabel: 'Dice',
      xLog: true,
      yDomain: [0, 1],
      guides: [1, 10],
      width: 400,
      height: 200,
    },
  );
  const { left, right, top, bottom } = CHART_MARGIN;

  it('places markers on a log x axis, one shape per series, and leaves out x ≤ 0 on it', () => {
    const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*data-x/g)].map((m) => [m[1], m[2]]);
    // 0.1 mL at the left edge, 100 mL at the right edge; Dice 0 at the bottom, 1 at the top.
    expect(circles).toEqual([
      [left.toFixed(2), (200 - bottom).toFixed(2)],
      [(400 - right).toFixed(2), top.toFixed(2)],
    ]);
    // 1 mL is a third of the way along three decades; the second series draws squares.
    const square = svg.match(/<rect x="([\d.]+)" y="([\d.]+)" width="7" height="7"[^>]*data-x="1"/);
    expect(Number(square?.[1]) + 3.5).toBeCloseTo(left + (400 - left - right) / 3, 1);
    expect(svg).toContain('<title>case &lt;1&gt;: 0.1, 0</title>');
  });

  it('draws the guides and the decade ticks', () => {
    expect(svg.match(/class="guide"/g)).toHaveLength(2);
    for (const tick of ['0.1', '1', '10', '100']) expect(svg).toContain(`text-anchor="middle">${tick}</text>`);
  });
});
