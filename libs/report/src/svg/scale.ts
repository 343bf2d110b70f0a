/**
 * Linear scales and "nice" axis ticks for the report's charts: pure arithmetic, no DOM, so a unit test can check
 * every coordinate an SVG path will carry.
 */

/** Maps [domainMin, domainMax] onto [rangeMin, rangeMax]; a zero-width domain maps to the middle of the range. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  if (span === 0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** Up to about `count` round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  // Rounded to the step's precision so 0.30000000000000004 prints as 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toFixed(digits)));
  return ticks;
}

/** The smallest and largest finite values, padded by `pad` of the span (or ±0.5 when all values are equal). */
export function extent(values: readonly number[], pad = 0): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const margin = (hi - lo) * pad;
  lo -= margin;
  hi += margin;
  return [lo, hi];
}

/** Short tick label: integers as they are, other values with up to three significant digits. */
export function formatTick(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}

/** Maps [domainMin, domainMax] (both > 0) onto [rangeMin, rangeMax] on a log10 axis; values ≤ 0 map to rangeMin. */
export function logScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (value: number) => number {
  const toLog = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  return (value) => (value > 0 ? toLog(Math.log10(value)) : range[0]);
}

/** Powers of ten covering [min, max] (both > 0): the ticks of a log axis. */
export function decadeTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) return [];
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(min) - 1e-9); e <= Math.floor(Math.log10(max) + 1e-9); e++)
    ticks.push(Number((10 ** e).toPrecision(1)));
  return ticks;
}
