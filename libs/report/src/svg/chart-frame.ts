/**
 * What every report chart shares: the outer <svg> with its title and axis labels, horizontal grid lines with the y
 * tick labels, and the x axis with its ticks, in the plot area inside CHART_MARGIN.
 */
import { escapeXml } from './escape';
import { formatTick } from './scale';

/** Plot-area margins (px): room for tick labels, axis labels and the title. */
export const CHART_MARGIN = { top: 32, right: 16, bottom: 44, left: 56 } as const;

export interface ChartFrame {
  /** Second CSS class of the <svg> (e.g. "line-chart"). */
  kind: string;
  width: number;
  height: number;
  title: string;
  xLabel: string;
  yLabel: string;
}

/** The chart: frame, then `body` (drawn in order), then the axis labels. */
export function chartSvg(frame: ChartFrame, body: string): string {
  const { width, height } = frame;
  const m = CHART_MARGIN;
  const title = escapeXml(frame.title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${frame.kind}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${title}">` +
    `<title>${title}</title>` +
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${title}</text>` +
    body +
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(frame.xLabel)}</text>` +
    `<text transform="translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(frame.yLabel)}</text>` +
    `</svg>`
  );
}

/** Light horizontal grid lines at the y ticks, labelled on the left. */
export function yGrid(ticks: readonly number[], y: (value: number) => number, width: number): string {
  const m = CHART_MARGIN;
  return ticks
    .map(
      (t) =>
        `<line x1="${m.left}" x2="${width - m.right}" y1="${y(t).toFixed(2)}" y2="${y(t).toFixed(2)}" stroke="#e5e5e5"/>` +
        `<text x="${m.left - 6}" y="${(y(t) + 4).toFixed(2)}" text-anchor="end">${formatTick(t)}</text>`,
    )
    .join('');
}

/** The x axis line (and the y axis line unless `yAxis` is false), with tick marks and labels at the x ticks. */
export function axes(
  ticks: readonly number[],
  x: (value: number) => number,
  width: number,
  height: number,
  options: { yAxis?: boolean; tickMarks?: boolean } = {},
): string {
  const m = CHART_MARGIN;
  const base = height - m.bottom;
  const lines =
    `<line x1="${m.left}" x2="${width - m.right}" y1="${base}" y2="${base}" stroke="#333"/>` +
    (options.yAxis === false ? '' : `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${base}" stroke="#333"/>`);
  const marks = ticks
    .map(
      (t) =>
        (options.tickMarks === false
          ? ''
          : `<line x1="${x(t).toFixed(2)}" x2="${x(t).toFixed(2)}" y1="${base}" y2="${base + 4}" stroke="#333"/>`) +
        `<text x="${x(t).toFixed(2)}" y="${base + 16}" text-anchor="middle">${formatTick(t)}</text>`,
    )
    .join('');
  return lines + marks;
}
