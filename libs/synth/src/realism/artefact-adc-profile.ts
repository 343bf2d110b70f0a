/**
 * How the ADC is spread inside susceptibility-artefact regions, by how bright the voxel is on DWI. A real EPI
 * pile-up is not uniformly "ADC normal": the b=0 and the b-image pile up in slightly different places, so part of
 * its flank looks restricted next to voxels well above normal. A model trained on artefacts whose ADC is uniform
 * learns that a bright voxel with a low ADC is an infarct, and marks the real ones. Both axes are relative to the
 * case's own parenchyma (the medians of ArtefactRegions), so scanners, units and b-values compare.
 */
import type { ArtefactRegions } from './artefact-regions';

/** DWI / parenchymal DWI median: the bins' lower edges, the last one open above. */
export const PROFILE_DWI_EDGES = [1.8, 2.5, 3, 3.5] as const;
/** ADC / parenchymal ADC median below which a voxel looks restricted (an acute infarct is 0.55-0.8). */
export const RESTRICTED_ADC_RATIO = 0.85;

export interface AdcProfileBin {
  /** DWI / parenchymal median, from (inclusive) to (exclusive; null: open). */
  dwiFrom: number;
  dwiTo: number | null;
  voxels: number;
  /** ADC / parenchymal median: 10th, 50th and 90th percentile, and the share below RESTRICTED_ADC_RATIO. */
  adcP10: number | null;
  adcMedian: number | null;
  adcP90: number | null;
  shareRestricted: number | null;
}

/** Each artefact voxel's DWI and ADC over the parenchyma's, accumulated over one or many cases. */
export class ArtefactAdcSamples {
  private readonly dwi: number[] = [];
  private readonly adc: number[] = [];

  /** Adds the voxels of `regions.mask`, leaving out those where `exclude` is set (a synthetic case's lesion). */
  add(dwi: ArrayLike<number>, adc: ArrayLike<number>, regions: ArtefactRegions, exclude?: ArrayLike<number>): void {
    const toStandard = regions.adcToStandard;
    for (let i = 0; i < regions.mask.length; i++) {
      if (!regions.mask[i] || (exclude && exclude[i])) continue;
      this.dwi.push(dwi[i] / regions.parenchymaDwiMedian);
      this.adc.push((adc[i] * toStandard) / regions.parenchymaAdcMedian);
    }
  }

  get voxels(): number {
    return this.dwi.length;
  }

  profile(): AdcProfileBin[] {
    return PROFILE_DWI_EDGES.map((from, b) => {
      const to = b + 1 < PROFILE_DWI_EDGES.length ? PROFILE_DWI_EDGES[b + 1] : null;
      const inBin = this.adc.filter((_, i) => this.dwi[i] >= from && (to === null || this.dwi[i] < to));
      return { dwiFrom: from, dwiTo: to, voxels: inBin.length, ...adcSpread(inBin) };
    });
  }
}

/** Percentile by the nearest rank of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function adcSpread(values: number[]): Pick<AdcProfileBin, 'adcP10' | 'adcMedian' | 'adcP90' | 'shareRestricted'> {
  if (values.length === 0) return { adcP10: null, adcMedian: null, adcP90: null, shareRestricted: null };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    adcP10: percentile(sorted, 10),
    adcMedian: percentile(sorted, 50),
    adcP90: percentile(sorted, 90),
    shareRestricted: values.filter((v) => v < RESTRICTED_ADC_RATIO).length / values.length,
  };
}
