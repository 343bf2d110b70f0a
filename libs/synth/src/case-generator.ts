import { mixSeed, Random } from '@fedstroke/common';
import type { Vec3, Volume } from '@fedstroke/nifti';
import { BrainModel } from './anatomy';
import { CenterProfile, StoredDatatype } from './centers';
import { dwiGrid, flairGrid, Grid } from './grids';
import { drawLesion, drawMimics, LesionPlan, Mimic } from './lesions';
import { DiffusionContrast, FlairContrast, renderDiffusion, renderFlair } from './render';
import { acquire, acquireDiffusion } from './scanner';

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
  adcPseudoNormal: boolean;
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

  const onDwi = renderDiffusion(dwi, brain, lesion, mimics, diffusionContrast(center, lesion, anatomy));
  const onFlair = renderFlair(flair, brain, lesion, mimics, flairContrast(center, lesion));
  const jitter = () => noise.range(0.9, 1.1);
  const diffusion = acquireDiffusion(
    onDwi.s0,
    onDwi.sb,
    onDwi.brain,
    dwi,
    {
      dwi: {
        scale: center.dwiScale * jitter(),
        gamma: center.gamma,
        noise: center.noise.dwi,
        biasStrength: center.biasStrength,
        datatype: center.datatypes.dwi,
      },
      b0Noise: center.noise.b0,
      b: center.bValue / 1000,
      adcUnit: center.adcUnit,
      adcRange: center.adcRange,
      adcDatatype: center.datatypes.adc,
    },
    noise,
  );
  const flairData = acquire(
    onFlair.image,
    onFlair.brain,
    flair,
    {
      scale: center.flairScale * jitter(),
      gamma: center.gamma,
      noise: center.noise.flair,
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
      adcPseudoNormal: lesion.adcPseudoNormal,
      designedVolumeMl: lesion.designedVolumeMl,
      mimics: mimics.map((mimic) => mimic.kind),
    },
    dwi: { volume: volume(dwi, diffusion.dwi, 'dwi'), datatype: center.datatypes.dwi },
    adc: { volume: volume(dwi, diffusion.adc, 'adc'), datatype: center.datatypes.adc },
    flair: { volume: volume(flair, flairData, 'FLAIR'), datatype: center.datatypes.flair },
    mask: { volume: volume(dwi, Float32Array.from(onDwi.lesionMask), 'msk'), datatype: 'uint8' },
  };
}

/**
 * Diffusion properties from published adult values (ADC in 10^-3 mm²/s: white matter ≈ 0.75, cortex ≈ 0.87, CSF
 * ≈ 3.0, with a smooth regional variation of 6-12%; CSF has about 2.8× white matter's b=0 signal, hence dark on DWI), the center's grey/white DWI ratio and
 * b-value, and this case's lesion. Choroid plexus: DWI 1.1-2× white matter with an ADC of 0.9-1.4, far below the
 * CSF around it. The bright cortical ribbon adds 10-45% to the DWI of part of the cortex with a normal ADC.
 */
function diffusionContrast(center: CenterProfile, lesion: LesionPlan, anatomy: Random): DiffusionContrast {
  const b = center.bValue / 1000;
  const white = 0.75;
  const csf = 3;
  return {
    b,
    white: { dwi: 1, adc: white },
    grey: { dwi: center.greyWhiteRatio, adc: 0.87 },
    // DWI relative to white matter: S0 ratio × e^(-b·ΔADC); 0.29 at b=1000, 0.45 at b=800.
    csf: { dwi: 2.8 * Math.exp(-b * (csf - white)), adc: csf },
    choroid: { dwi: anatomy.range(1.1, 2), adc: anatomy.range(0.9, 1.4) },
    // Leukoaraiosis: longer T2 (S0 × 1.5) and freer diffusion (ADC × 1.35): a little brighter on DWI, clearly on ADC.
    leukoaraiosis: { dwi: 1.5 * Math.exp(-b * white * 0.35), adc: 1.35 },
    ribbonGain: anatomy.range(0.1, 0.45),
    textureAdc: anatomy.range(0.06, 0.12),
    textureDwi: anatomy.range(0.03, 0.07),
    lesion: { dwi: 1 + (lesion.dwiGain - 1) * center.lesionContrast, adc: lesion.adcRatio },
    susceptibilityGain: 6 * center.susceptibility,
    // The b=0 image piles up 80-105% as much (eddy-current distortion differs between the two): ADC × 0.85-1.01.
    b0PileUpRatio: anatomy.range(0.8, 1.05),
    // ...and 1-2.5 mm anterior or posterior of it (drawn last: every earlier draw of a seed stays as it was).
    b0PileUpShiftMm: (anatomy.chance(0.5) ? -1 : 1) * anatomy.range(1, 2.5),
  };
}

/** FLAIR: CSF suppressed, lesion bright only after ~4.5 h, leukoaraiosis bright, choroid plexus a little bright. */
function flairContrast(center: CenterProfile, lesion: LesionPlan): FlairContrast {
  return {
    white: 1,
    grey: 1 + (center.greyWhiteRatio - 1) * 0.8,
    csf: 0.15,
    choroid: 1.1,
    leukoaraiosisGain: 0.6,
    lesion: 1 + lesion.flairGain,
  };
}
