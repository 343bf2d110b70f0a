/**
 * The per-case Dice distribution as an SVG bar chart; several groups (validation, test, or federated vs baselines)
 * share the bins and are drawn side by side within each bin.
 */
import { escapeXml } from './escape';
import { CHART_MARGIN } from './line-chart';
import { seriesColor } from './palette';
import { formatTick, linearScale, niceTicks } from './scale';

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
  const yTicks = niceTicks(0, maxCount, 5)
    .filter((t) => Number.isInteger(t))
    .map(
      (t) =>
        `<line x1="${m.left}" x2="${width - m.right}" y1="${y(t).toFixed(2)}" y2="${y(t).toFixed(2)}" stroke="#e5e5e5"/>` +
        `<text x="${m.left - 6}" y="${(y(t) + 4).toFixed(2)}" text-anchor="end">${t}</text>`,
    )
    .join('');
  const xTicks = niceTicks(range[0], range[1], 5)
    .map(
      (t) => `<text x="${x(t).toFixed(2)}" y="${height - m.bottom + 16}" text-anchor="middle">${formatTick(t)}</text>`,
    )
    .join('');
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
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart histogram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(options.title)}">` +
    `<title>${escapeXml(options.title)}</title>` +
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>` +
    yTicks +
    bars +
    `<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="#333"/>` +
    xTicks +
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>` +
    `<text transform="translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">cases</text>` +
    legend +
    `</svg>`
  );
}
