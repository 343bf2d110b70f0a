import { linearScale, niceTicks } from './scale';
import { CHART_MARGIN, lineChartSvg, seriesPath } from './line-chart';

describe('seriesPath', () => {
  it('maps data points through the scales into an M/L path with two decimals', () => {
    const x = linearScale([1, 3], [0, 200]);
    const y = linearScale([0, 1], [100, 0]);
    const d = seriesPath(
      [
        { x: 1, y: 0 },
        { x: 2, y: 0.5 },
        { x: 3, y: 1 },
      ],
      x,
      y,
    );
    expect(d).toBe('M0.00,100.00 L100.00,50.00 L200.00,0.00');
  });

  it('breaks the line at a non-finite value and starts a new segment after it', () => {
    const identity = (v: number) => v;
    const d = seriesPath(
      [
        { x: 1, y: 1 },
        { x: 2, y: NaN },
        { x: 3, y: 3 },
        { x: 4, y: 4 },
      ],
      identity,
      identity,
    );
    expect(d).toBe('M1.00,1.00 M3.00,3.00 L4.00,4.00');
  });
});

describe('lineChartSvg', () => {
  it('draws one path per series spanning the plot area, with the legend names and a fixed y domain', () => {
    const svg = lineChartSvg(
      [
        {
          name: 'site <a>',
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 1 },
          ],
        },
        {
          name: 'mean',
          points: [
            { x: 0, y: 0.5 },
            { x: 10, y: 0.5 },
          ],
        },
      ],
      { title: 'Dice', xLabel: 'round', yLabel: 'Dice', yDomain: [0, 1], width: 400, height: 200 },
    );
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
    const { left, right, top, bottom } = CHART_MARGIN;
    // (0, 0) sits at the bottom-left corner of the plot area, (10, 1) at its top-right.
    expect(paths[0]).toBe(
      `M${left.toFixed(2)},${(200 - bottom).toFixed(2)} L${(400 - right).toFixed(2)},${top.toFixed(2)}`,
    );
    const middle = ((200 - bottom + top) / 2).toFixed(2);
    expect(paths[1]).toBe(`M${left.toFixed(2)},${middle} L${(400 - right).toFixed(2)},${middle}`);
    expect(svg).toContain('site &lt;a&gt;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
});

describe('niceTicks', () => {
  it('gives round steps covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 30, 6)).toEqual([0, 5, 10, 15, 20, 25, 30]);
  });
});
