/**
 * The per-case Dice distribution as an SVG bar chart; several groups (validation, test, or federated vs baselines)
 * share the bins and are drawn side by side within each bin.
 */
import { axes, CHART_MARGIN, chartSvg, yGrid } from './chart-frame';
import { escapeXml } from './escape';
import { seriesColor } from './palette';
import { linearScale, niceTicks } from './scale';

export interface HistogramGroup {
  name: string;
  values: readonly number[];
  color?: string;
}

export interface HistogramOptions {
  title: string;
  xLabel: string;
  /** Value range split into `bins` equal bins; values outside are clamped into the edge bins. Default [0, 1]. */
  range?: [number, number];
  bins?: number;
  width?: number;
  height?: number;
}

/** Counts per equal-width bin over [lo, hi]; the last bin is closed ([lo + (b-1)w, hi]). Non-finite values are skipped. */
export function histogramCounts(values: readonly number[], bins: number, range: readonly [number, number]): number[] {
  const [lo, hi] = range;
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((value - lo) / width)));
    counts[bin]++;
  }
  return counts;
}

export function histogramSvg(groups: readonly HistogramGroup[], options: HistogramOptions): string {
  const width = options.width ?? 480;
  const height = options.height ?? 280;
  const bins = options.bins ?? 10;
  const range = options.range ?? [0, 1];
  const m = CHART_MARGIN;
  const counts = groups.map((g) => histogramCounts(g.values, bins, range));
  const maxCount = Math.max(1, ...counts.flat());
  const x = linearScale(range, [m.left, width - m.right]);
  const y = linearScale([0, maxCount], [height - m.bottom, m.top]);
  const binWidth = (width - m.left - m.right) / bins;
  const barWidth = (binWidth - 2) / Math.max(1, groups.length);

  const bars = groups
    .map((group, g) => {
      const color = group.color ?? seriesColor(g);
      const rects = counts[g]
        .map((count, b) => {
          const left = m.left + b * binWidth + 1 + g * barWidth;
          const top = y(count);
          return `<rect x="${left.toFixed(2)}" y="${top.toFixed(2)}" width="${barWidth.toFixed(2)}" height="${(height - m.bottom - top).toFixed(2)}" fill="${color}" data-count="${count}"/>`;
        })
        .join('');
      return `<g class="histogram-group" data-name="${escapeXml(group.name)}">${rects}</g>`;
    })
    .join('');
  const yTicks = niceTicks(0, maxCount, 5).filter((t) => Number.isInteger(t));
  const xTicks = niceTicks(range[0], range[1], 5);
  const legend = groups
    .map((group, g) => {
      const ly = m.top + g * 16;
      const lx = m.left + 8;
      return (
        `<rect x="${lx}" y="${ly - 8}" width="12" height="10" fill="${group.color ?? seriesColor(g)}"/>` +
        `<text x="${lx + 18}" y="${ly + 1}">${escapeXml(group.name)} (n=${group.values.length})</text>`
      );
    })
    .join('');
  const frame = { kind: 'histogram', width, height, title: options.title, xLabel: options.xLabel, yLabel: 'cases' };
  const xAxis = axes(xTicks, x, width, height, { yAxis: false, tickMarks: false });
  return chartSvg(frame, yGrid(yTicks, y, width) + bars + xAxis + legend);
}
