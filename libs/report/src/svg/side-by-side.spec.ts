import { lineChartSvg } from './line-chart';
import { sideBySideSvg } from './side-by-side';

describe('sideBySideSvg', () => {
  it('places the panels left to right with a gap, inside one SVG as wide as all of them', () => {
    const panel = (title: string, width: number) =>
      lineChartSvg(
        [
          {
            name: title,
            points: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
          },
        ],
        { title, xLabel: 'x', yLabel: 'y', width, height: 200 },
      );
    const svg = sideBySideSvg([panel('DWI', 300), panel('ADC', 400)], 10);
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="chart side-by-side" width="710" height="200"/,
    );
    expect([...svg.matchAll(/<svg x="(\d+)" y="0"/g)].map((m) => Number(m[1]))).toEqual([0, 310]);
    expect(svg).toContain('<title>ADC</title>');
    expect(() => sideBySideSvg(['<g/>'])).toThrow(/width and height/);
  });
});
