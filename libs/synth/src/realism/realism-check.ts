/**
 * How close a synthetic dataset is to a real case, and how hard it is: the within-brain intensity histograms of DWI
 * (over its brain median) and ADC (10^-3 mm²/s) per center and pooled, their overlap with the real case's, the best
 * simple threshold rule's Dice on the synthetic set, and the real case's susceptibility-artefact regions. Reads one
 * case at a time, so a 90-case set costs one case of memory.
 */
import { join } from 'node:path';
import { discoverDataset, readSiteMap } from '@fedstroke/isles';
import { readNifti, type Volume } from '@fedstroke/nifti';
import { ArtefactAdcSamples, type AdcProfileBin } from './artefact-adc-profile';
import { dilate, susceptibilityArtefactRegions, type ArtefactRegions } from './artefact-regions';
import {
  adcUnitFactor,
  brainHistogram,
  brainMedian,
  histogramOverlap,
  meanHistogram,
  nonzeroBrain,
  type IntensityHistogram,
} from './brain-histogram';
import { bestThresholdRule, countRuleCase, type RuleCounts, type ThresholdRuleSearch } from './threshold-rule';

/** DWI over its brain median, and ADC in 10^-3 mm²/s: the axes of the comparison. */
export const DWI_RATIO_RANGE: [number, number] = [0, 5];
export const ADC_RANGE: [number, number] = [-0.5, 4.5];
const BINS = 50;

export interface CaseHistograms {
  dwi: IntensityHistogram;
  adc: IntensityHistogram;
}

export interface SyntheticDistribution extends CaseHistograms {
  /** A center's name, or "all centers". */
  label: string;
  cases: number;
  dwiOverlap: number;
  adcOverlap: number;
  /** The ADC inside the cases' artefact regions (found by the real case's rule, lesions left out), by DWI. */
  artefactAdc: AdcProfileBin[];
}

export interface RealismReport {
  real: CaseHistograms & {
    source: string;
    artefacts: Omit<ArtefactRegions, 'mask'>;
    artefactAdc: AdcProfileBin[];
  };
  synthetic: SyntheticDistribution[];
  thresholdRule: ThresholdRuleSearch & { cases: number };
}

export function caseHistograms(dwi: ArrayLike<number>, adc: ArrayLike<number>): CaseHistograms {
  const brain = nonzeroBrain(dwi);
  return {
    dwi: brainHistogram(dwi, brain, DWI_RATIO_RANGE, BINS, 1 / brainMedian(dwi, brain)),
    adc: brainHistogram(adc, brain, ADC_RANGE, BINS, adcUnitFactor(adc, brain)),
  };
}

/** A real case as the comparison reads it: its volumes and its susceptibility-artefact regions, found once. */
export interface RealCase {
  source: string;
  dwi: Volume;
  adc: Volume;
  regions: ArtefactRegions;
}

export async function readRealCase(real: { dwi: string; adc: string }): Promise<RealCase> {
  const [dwi, adc] = await Promise.all([readNifti(real.dwi), readNifti(real.adc)]);
  return { source: real.dwi, dwi, adc, regions: susceptibilityArtefactRegions(dwi, adc.data) };
}

export async function checkRealism(synthDir: string, real: RealCase): Promise<RealismReport> {
  const realHistograms = caseHistograms(real.dwi.data, real.adc.data);
  const { mask: _mask, ...artefacts } = real.regions;
  const realArtefactAdc = new ArtefactAdcSamples();
  realArtefactAdc.add(real.dwi.data, real.adc.data, real.regions);

  const dataset = await discoverDataset(synthDir, { policy: 'fail', requireMask: true });
  const siteMap = await readSiteMap(join(synthDir, 'site-map.json')).catch(() => ({}) as Record<string, string>);
  const byCenter = new Map<string, CaseHistograms[]>();
  const artefactAdc = new Map<string, ArtefactAdcSamples>([['all centers', new ArtefactAdcSamples()]]);
  const counts: RuleCounts[] = [];
  for (const files of dataset.cases) {
    const [dwi, adc, mask] = await Promise.all([
      readNifti(files.dwi),
      readNifti(files.adc),
      readNifti(files.mask as string),
    ]);
    const center = siteMap[files.id] ?? 'unknown center';
    byCenter.set(center, [...(byCenter.get(center) ?? []), caseHistograms(dwi.data, adc.data)]);
    // Two voxels around the lesion left out too: its partial-volume border is not artefact.
    const lesion = dilate(
      Uint8Array.from(mask.data, (v) => (v > 0 ? 1 : 0)),
      dwi.shape,
      2,
    );
    const regions = susceptibilityArtefactRegions(dwi, adc.data);
    if (!artefactAdc.has(center)) artefactAdc.set(center, new ArtefactAdcSamples());
    for (const label of [center, 'all centers']) artefactAdc.get(label)?.add(dwi.data, adc.data, regions, lesion);
    counts.push(countRuleCase({ dwi: dwi.data, adc: adc.data, label: mask.data }));
  }
  const distribution = (label: string, cases: CaseHistograms[]): SyntheticDistribution => {
    const dwi = meanHistogram(cases.map((c) => c.dwi));
    const adc = meanHistogram(cases.map((c) => c.adc));
    return {
      label,
      cases: cases.length,
      dwi,
      adc,
      dwiOverlap: histogramOverlap(dwi, realHistograms.dwi),
      adcOverlap: histogramOverlap(adc, realHistograms.adc),
      artefactAdc: (artefactAdc.get(label) as ArtefactAdcSamples).profile(),
    };
  };
  const centers = [...byCenter.keys()].sort();
  return {
    real: { source: real.source, ...realHistograms, artefacts, artefactAdc: realArtefactAdc.profile() },
    synthetic: [
      ...centers.map((center) => distribution(center, byCenter.get(center) ?? [])),
      distribution('all centers', [...byCenter.values()].flat()),
    ],
    thresholdRule: { ...bestThresholdRule(counts), cases: counts.length },
  };
}
