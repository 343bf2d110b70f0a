/**
 * Learning curves as a standalone SVG string: one polyline per series over shared axes, with ticks, axis labels and
 * a legend. Points with a non-finite coordinate break the line (a round without a figure leaves a gap).
 */
import { axes, CHART_MARGIN, chartSvg, yGrid } from './chart-frame';
import { escapeXml } from './escape';
import { seriesColor } from './palette';
import { extent, linearScale, niceTicks } from './scale';

export interface ChartPoint {
  x: number;
  y: number;
}

export interface LineSeries {
  name: string;
  points: readonly ChartPoint[];
  /** Default: the palette colour of the series' position. */
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Fixed y range (e.g. [0, 1] for Dice); default: the data's extent. */
  yDomain?: [number, number];
  width?: number;
  height?: number;
}

export { CHART_MARGIN } from './chart-frame';

/** The `d` attribute of a polyline through the points (pixel coordinates, 2 decimals); gaps at non-finite values. */
export function seriesPath(
  points: readonly ChartPoint[],
  x: (value: number) => number,
  y: (value: number) => number,
): string {
  const parts: string[] = [];
  let pen: 'M' | 'L' = 'M';
  for (const point of points) {
    if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) {
      pen = 'M';
      continue;
    }
    parts.push(`${pen}${x(point.x).toFixed(2)},${y(point.y).toFixed(2)}`);
    pen = 'L';
  }
  return parts.join(' ');
}

export function lineChartSvg(series: readonly LineSeries[], options: LineChartOptions): string {
  const width = options.width ?? 480;
  const height = options.height ?? 280;
  const m = CHART_MARGIN;
  const all = series.flatMap((s) => s.points);
  const xDomain = extent(
    all.map((p) => p.x),
    0,
  );
  const yDomain =
    options.yDomain ??
    extent(
      all.map((p) => p.y),
      0.05,
    );
  const x = linearScale(xDomain, [m.left, width - m.right]);
  const y = linearScale(yDomain, [height - m.bottom, m.top]);

  const xTicks = niceTicks(xDomain[0], xDomain[1], 6);
  const yTicks = niceTicks(yDomain[0], yDomain[1], 5);
  const lines = series
    .map((s, i) => {
      const color = s.color ?? seriesColor(i);
      const d = seriesPath(s.points, x, y);
      const dots = s.points
        .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
        .map((p) => `<circle cx="${x(p.x).toFixed(2)}" cy="${y(p.y).toFixed(2)}" r="2.5" fill="${color}"/>`)
        .join('');
      const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
      return `<g class="series" data-name="${escapeXml(s.name)}"><path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>${dots}</g>`;
    })
    .join('');
  const legend = series
    .map((s, i) => {
      const ly = m.top + 4 + i * 16;
      const lx = width - m.right - 150;
      return (
        `<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${s.color ?? seriesColor(i)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>` +
        `<text x="${lx + 24}" y="${ly + 4}">${escapeXml(s.name)}</text>`
      );
    })
    .join('');
  const frame = { kind: 'line-chart', width, height, ...options };
  return chartSvg(frame, yGrid(yTicks, y, width) + axes(xTicks, x, width, height) + lines + legend);
}
