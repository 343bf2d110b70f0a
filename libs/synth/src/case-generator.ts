import { mixSeed, Random } from '@fedstroke/common';
import type { Vec3, Volume } from '@fedstroke/nifti';
import { BrainModel } from './anatomy';
import { CenterProfile, StoredDatatype } from './centers';
import { dwiGrid, flairGrid, Grid } from './grids';
import { drawLesion, drawMimics, LesionPlan, Mimic } from './lesions';
import { renderGrid, SequenceContrast } from './render';
import { acquire } from './scanner';

export interface SynthCaseRequest {
  seed: number;
  /** 0-based case index; the case id is sub-strokecase<index + 1, 4 digits>. */
  index: number;
  center: CenterProfile;
  /** DWI grid shape [nx, ny, nz] and base spacing in mm (each center scales the spacing). */
  shape: Vec3;
  spacing: Vec3;
}

/** What the generator decided for a case: written to participants.tsv and used by tests. */
export interface SynthCaseFacts {
  id: string;
  center: string;
  pattern: LesionPlan['pattern'];
  border: LesionPlan['border'];
  onsetHours: number;
  flairVisible: boolean;
  designedVolumeMl: number;
  mimics: Mimic['kind'][];
}

export interface StoredVolume {
  volume: Volume;
  datatype: StoredDatatype | 'uint8';
}

export interface SynthCase {
  facts: SynthCaseFacts;
  dwi: StoredVolume;
  adc: StoredVolume;
  flair: StoredVolume;
  mask: StoredVolume;
}

export function caseIdFor(index: number): string {
  return `sub-strokecase${String(index + 1).padStart(4, '0')}`;
}

/**
 * Generates one case in memory. Anatomy, lesion and noise draw from separate streams of (seed, index), so changing
 * e.g. the noise model leaves every lesion where it was.
 */
export function generateCase(request: SynthCaseRequest): SynthCase {
  const { seed, index, center } = request;
  const geometry = new Random(mixSeed(seed, index, 1));
  const anatomy = new Random(mixSeed(seed, index, 2));
  const pathology = new Random(mixSeed(seed, index, 3));
  const noise = new Random(mixSeed(seed, index, 4));

  const dwi = dwiGrid(request.shape, request.spacing, center, geometry);
  const flair = flairGrid(dwi, center, geometry);
  // Keep the whole (rotated, shifted) brain inside the DWI field of view.
  const maxAxes = dwi.shape.map((n, axis) => 0.5 * n * dwi.spacing[axis] - 11) as Vec3;
  const brain = new BrainModel(anatomy, maxAxes);
  const lesion = drawLesion(pathology, brain);
  const mimics = drawMimics(pathology, brain);

  const contrasts = sequenceContrasts(center, lesion);
  const onDwi = renderGrid(dwi, brain, lesion, mimics, [contrasts.dwi, contrasts.adc], true);
  const onFlair = renderGrid(flair, brain, lesion, mimics, [contrasts.flair], false);
  const jitter = () => noise.range(0.9, 1.1);
  const dwiData = acquire(
    onDwi.images[0],
    onDwi.brain,
    dwi,
    {
      scale: center.dwiScale * jitter(),
      gamma: center.gamma,
      noise: center.noise.dwi,
      rician: true,
      biasStrength: center.biasStrength,
      datatype: center.datatypes.dwi,
    },
    noise,
  );
  const adcData = acquire(
    onDwi.images[1],
    onDwi.brain,
    dwi,
    {
      scale: center.adcUnit,
      gamma: 1,
      noise: center.noise.adc * contrasts.adc.white,
      rician: false,
      biasStrength: 0,
      datatype: center.datatypes.adc,
    },
    noise,
  );
  const flairData = acquire(
    onFlair.images[0],
    onFlair.brain,
    flair,
    {
      scale: center.flairScale * jitter(),
      gamma: center.gamma,
      noise: center.noise.flair,
      rician: true,
      biasStrength: center.biasStrength * 1.2,
      datatype: center.datatypes.flair,
    },
    noise,
  );

  const id = caseIdFor(index);
  const volume = (grid: Grid, data: Float32Array, kind: string): Volume => ({
    data,
    shape: grid.shape,
    spacing: grid.spacing,
    affine: grid.affine,
    source: `synthetic ${id} ${kind}`,
  });
  return {
    facts: {
      id,
      center: center.name,
      pattern: lesion.pattern,
      border: lesion.border,
      onsetHours: lesion.onsetHours,
      flairVisible: lesion.flairVisible,
      designedVolumeMl: lesion.designedVolumeMl,
      mimics: mimics.map((mimic) => mimic.kind),
    },
    dwi: { volume: volume(dwi, dwiData, 'dwi'), datatype: center.datatypes.dwi },
    adc: { volume: volume(dwi, adcData, 'adc'), datatype: center.datatypes.adc },
    flair: { volume: volume(flair, flairData, 'FLAIR'), datatype: center.datatypes.flair },
    mask: { volume: volume(dwi, Float32Array.from(onDwi.lesionMask!), 'msk'), datatype: 'uint8' },
  };
}

/**
 * Tissue and lesion signals per sequence, relative to white matter (ADC in 10^-3 mm²/s, from published adult
 * values: WM ≈ 0.72, GM ≈ 0.84, CSF ≈ 3.0). DWI b=1000: CSF dark, lesion bright; ADC: lesion dark; FLAIR: CSF
 * suppressed, lesion bright only after ~4.5 h, leukoaraiosis bright.
 */
function sequenceContrasts(
  center: CenterProfile,
  lesion: LesionPlan,
): Record<'dwi' | 'adc' | 'flair', SequenceContrast> {
  return {
    dwi: {
      sequence: 'dwi',
      white: 1,
      grey: center.greyWhiteRatio,
      csf: 0.3,
      leukoaraiosisGain: 0.08,
      lesion: 1 + (lesion.dwiGain - 1) * center.lesionContrast,
      susceptibility: 1 + 0.6 * center.susceptibility,
    },
    adc: {
      sequence: 'adc',
      white: 0.72,
      grey: 0.84,
      csf: 3,
      leukoaraiosisGain: 0.25,
      lesion: lesion.adcRatio,
      susceptibility: 1 - 0.1 * center.susceptibility,
    },
    flair: {
      sequence: 'flair',
      white: 1,
      grey: 1 + (center.greyWhiteRatio - 1) * 0.8,
      csf: 0.15,
      leukoaraiosisGain: 0.6,
      lesion: 1 + lesion.flairGain,
      susceptibility: 1,
    },
  };
}
