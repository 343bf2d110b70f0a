/**
 * Intensity distributions within the brain, for comparing synthetic DWI and ADC with real ones: DWI is divided by
 * its brain median (scanner units differ by orders of magnitude, the shape of the distribution is what a model
 * learns from), ADC is brought to 10^-3 mm²/s. Pure functions over typed arrays; the brain is the non-zero DWI,
 * as in every skull-stripped ISLES'22 case.
 */

export interface IntensityHistogram {
  range: [number, number];
  bins: number;
  /** Fraction of the brain's voxels in each equal-width bin (values outside the range fall in the edge bins). */
  density: number[];
}

export function nonzeroBrain(dwi: ArrayLike<number>): Uint8Array {
  const brain = new Uint8Array(dwi.length);
  for (let i = 0; i < dwi.length; i++) brain[i] = dwi[i] !== 0 ? 1 : 0;
  return brain;
}

/** The median of `values` over the brain (the lower middle for an even count). */
export function brainMedian(values: ArrayLike<number>, brain: Uint8Array): number {
  const inside: number[] = [];
  for (let i = 0; i < values.length; i++) if (brain[i]) inside.push(values[i]);
  if (inside.length === 0) throw new RangeError('brainMedian: the brain mask is empty');
  inside.sort((a, b) => a - b);
  return inside[(inside.length - 1) >> 1];
}

/**
 * The factor that brings a stored ADC to 10^-3 mm²/s. Scanners export it in 10^-3 mm²/s (brain median about 1) or
 * in 10^-6 mm²/s (about 1000); a brain median above 20 can only be the latter.
 */
export function adcUnitFactor(adc: ArrayLike<number>, brain: Uint8Array): number {
  return brainMedian(adc, brain) > 20 ? 1e-3 : 1;
}

export function brainHistogram(
  values: ArrayLike<number>,
  brain: Uint8Array,
  range: [number, number],
  bins: number,
  scale = 1,
): IntensityHistogram {
  if (!(bins >= 1) || !(range[1] > range[0]))
    throw new RangeError(`brainHistogram: bad bins ${bins} or range [${range}]`);
  const counts = new Array<number>(bins).fill(0);
  const width = (range[1] - range[0]) / bins;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (!brain[i]) continue;
    const bin = Math.floor((values[i] * scale - range[0]) / width);
    counts[bin < 0 ? 0 : bin >= bins ? bins - 1 : bin]++;
    total++;
  }
  return { range, bins, density: counts.map((c) => (total > 0 ? c / total : 0)) };
}

/** The mean of histograms over the same bins (each case weighs the same, whatever its brain volume). */
export function meanHistogram(histograms: readonly IntensityHistogram[]): IntensityHistogram {
  if (histograms.length === 0) throw new RangeError('meanHistogram: no histograms');
  const [first] = histograms;
  const density = first.density.map((_, b) => histograms.reduce((sum, h) => sum + h.density[b], 0) / histograms.length);
  return { range: first.range, bins: first.bins, density };
}

/** Histogram intersection, Σ min(p, q): 1 for identical distributions, 0 for disjoint ones. */
export function histogramOverlap(a: IntensityHistogram, b: IntensityHistogram): number {
  if (a.bins !== b.bins || a.range[0] !== b.range[0] || a.range[1] !== b.range[1])
    throw new RangeError('histogramOverlap: the histograms must share their bins');
  return a.density.reduce((sum, p, i) => sum + Math.min(p, b.density[i]), 0);
}
