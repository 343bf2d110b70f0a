/**
 * A scatter plot as a standalone SVG string: one marker per point (colour and shape per series, so it reads in
 * grey scale too), an optional log10 x axis and dashed vertical guides (e.g. the 1 mL and 10 mL class limits).
 * Each marker carries its label as a tooltip and its values as data attributes, so a test can read them back.
 */
import { axes, CHART_MARGIN, chartSvg, yGrid } from './chart-frame';
import { escapeXml } from './escape';
import { seriesColor } from './palette';
import { decadeTicks, extent, formatTick, linearScale, logScale, niceTicks } from './scale';

export interface ScatterPoint {
  x: number;
  y: number;
  /** Shown as the marker's tooltip (e.g. the case id). */
  label?: string;
}

export interface ScatterSeries {
  name: string;
  points: readonly ScatterPoint[];
  color?: string;
}

export interface ScatterChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** log10 x axis (points with x ≤ 0 are left out). */
  xLog?: boolean;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** x positions of dashed vertical guide lines. */
  guides?: readonly number[];
  width?: number;
  height?: number;
}

const SHAPES = ['circle', 'square', 'triangle', 'diamond'] as const;

function marker(shape: (typeof SHAPES)[number], cx: number, cy: number, color: string, attrs: string): string {
  const r = 3.5;
  const at = (x: number, y: number) => `${(cx + x).toFixed(2)},${(cy + y).toFixed(2)}`;
  const style = `fill="${color}" fill-opacity="0.75" stroke="${color}"`;
  if (shape === 'circle') return `<circle cx="${cx.toFixed(2)}" cy="${cy.toFixed(2)}" r="${r}" ${style} ${attrs}>`;
  if (shape === 'square')
    return `<rect x="${(cx - r).toFixed(2)}" y="${(cy - r).toFixed(2)}" width="${2 * r}" height="${2 * r}" ${style} ${attrs}>`;
  const points =
    shape === 'triangle'
      ? [at(0, -r - 1), at(r + 1, r), at(-r - 1, r)]
      : [at(0, -r - 1), at(r + 1, 0), at(0, r + 1), at(-r - 1, 0)];
  return `<polygon points="${points.join(' ')}" ${style} ${attrs}>`;
}

function closeTag(shape: (typeof SHAPES)[number]): string {
  return shape === 'circle' ? '</circle>' : shape === 'square' ? '</rect>' : '</polygon>';
}

export function scatterChartSvg(series: readonly ScatterSeries[], options: ScatterChartOptions): string {
  const width = options.width ?? 480;
  const height = options.height ?? 300;
  const m = CHART_MARGIN;
  const usable = (p: ScatterPoint) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!options.xLog || p.x > 0);
  const all = series.flatMap((s) => s.points.filter(usable));
  const xDomain =
    options.xDomain ??
    (options.xLog
      ? logDomain(all.map((p) => p.x))
      : extent(
          all.map((p) => p.x),
          0.05,
        ));
  const yDomain =
    options.yDomain ??
    extent(
      all.map((p) => p.y),
      0.05,
    );
  const xRange: [number, number] = [m.left, width - m.right];
  const x = options.xLog ? logScale(xDomain, xRange) : linearScale(xDomain, xRange);
  const y = linearScale(yDomain, [height - m.bottom, m.top]);
  const xTicks = options.xLog ? decadeTicks(xDomain[0], xDomain[1]) : niceTicks(xDomain[0], xDomain[1], 6);
  const guides = (options.guides ?? [])
    .filter((g) => g >= xDomain[0] && g <= xDomain[1])
    .map(
      (g) =>
        `<line class="guide" x1="${x(g).toFixed(2)}" x2="${x(g).toFixed(2)}" y1="${m.top}" y2="${height - m.bottom}" stroke="#999" stroke-dasharray="4 3"/>`,
    )
    .join('');
  const markers = series
    .map((s, i) => {
      const color = s.color ?? seriesColor(i);
      const shape = SHAPES[i % SHAPES.length];
      const dots = s.points
        .filter(usable)
        .map((p) => {
          const attrs = `data-x="${p.x}" data-y="${p.y}"`;
          const tip = `<title>${escapeXml(`${p.label ? `${p.label}: ` : ''}${formatTick(p.x)}, ${formatTick(p.y)}`)}</title>`;
          return marker(shape, x(p.x), y(p.y), color, attrs) + tip + closeTag(shape);
        })
        .join('');
      return `<g class="series" data-name="${escapeXml(s.name)}">${dots}</g>`;
    })
    .join('');
  const legend = series
    .map((s, i) => {
      const ly = m.top + 4 + i * 16;
      const lx = width - m.right - 170;
      const shape = SHAPES[i % SHAPES.length];
      return (
        marker(shape, lx + 6, ly, s.color ?? seriesColor(i), '') +
        closeTag(shape) +
        `<text x="${lx + 16}" y="${ly + 4}">${escapeXml(s.name)}</text>`
      );
    })
    .join('');
  const frame = { kind: 'scatter-chart', width, height, ...options };
  const grid = yGrid(niceTicks(yDomain[0], yDomain[1], 5), y, width);
  return chartSvg(frame, grid + guides + axes(xTicks, x, width, height) + markers + legend);
}

/** Whole decades around the positive values (a log axis reads best from power of ten to power of ten). */
function logDomain(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return [0.1, 10];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...positive)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive)));
  return lo === hi ? [lo / 10, hi * 10] : [lo, hi];
}
