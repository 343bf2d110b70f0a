import { borderWidths, BrainModel, Tissue, TISSUE_SLOTS } from './anatomy';
import { Grid, voxelToLocal } from './grids';
import type { LesionPlan, Mimic } from './lesions';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { exp, sin } = Math;

/**
 * Diffusion tissue properties: each compartment's DWI signal relative to white matter at the center's b-value, and
 * its ADC in 10^-3 mm²/s. A voxel's b=0 and b=b signals are the partial-volume sums of its compartments'
 * (S0 = DWI · e^(b·ADC)), so the ADC of a mixed voxel is the log ratio of the sums, as a scanner measures it: a
 * CSF border raises it far more than its share.
 */
export interface DiffusionContrast {
  /** b-value in units of 1000 s/mm² (1 for b=1000). */
  b: number;
  white: { dwi: number; adc: number };
  grey: { dwi: number; adc: number };
  csf: { dwi: number; adc: number };
  choroid: { dwi: number; adc: number };
  /** White matter at full leukoaraiosis: DWI and ADC multipliers. */
  leukoaraiosis: { dwi: number; adc: number };
  /** Extra DWI of grey matter at full cortical-ribbon weight. */
  ribbonGain: number;
  /** Relative ADC and DWI change of parenchyma per unit of the regional texture field. */
  textureAdc: number;
  textureDwi: number;
  /** DWI and ADC multipliers at the lesion core (field = 1). */
  lesion: { dwi: number; adc: number };
  /** DWI pile-up at full susceptibility weight: 1 + gain; the b=0 image's is 1 + gain × b0PileUpRatio. */
  susceptibilityGain: number;
  b0PileUpRatio: number;
  /** How far (mm, along y) the b=0 image's pile-up lies from the b-image's (Tissue.SusceptibilityB0). */
  b0PileUpShiftMm: number;
}

/** FLAIR tissue signals relative to white matter (CSF suppressed). */
export interface FlairContrast {
  white: number;
  grey: number;
  csf: number;
  choroid: number;
  leukoaraiosisGain: number;
  lesion: number;
}

export interface DiffusionImages {
  /** Noise-free b=0 and b=b signals (white matter DWI = 1); 0 outside the brain. */
  s0: Float32Array;
  sb: Float32Array;
  /** The skull-strip mask (brain fraction ≥ 0.5). */
  brain: Uint8Array;
  /** Lesion mask: the voxel centre is inside the lesion surface and the voxel mostly parenchyma. */
  lesionMask: Uint8Array;
}

/**
 * Walks every voxel centre of `grid` in brain-local mm (three additions per step) and calls `visit(index, x, y, z)`.
 */
function walkGrid(
  grid: Grid,
  brain: BrainModel,
  visit: (index: number, x: number, y: number, z: number) => void,
): void {
  const [nx, ny, nz] = grid.shape;
  const m = voxelToLocal(grid, brain.poseRotation, brain.poseCentre);
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let x = m[3] + m[1] * j + m[2] * k;
      let y = m[7] + m[5] * j + m[6] * k;
      let z = m[11] + m[9] * j + m[10] * k;
      for (let i = 0; i < nx; i++, index++, x += m[0], y += m[4], z += m[8]) visit(index, x, y, z);
    }
  }
}

/** The size of a voxel as one length: the root mean square of its edges (mm). */
export function voxelFootprint(grid: Grid): number {
  const [a, b, c] = grid.spacing;
  return Math.sqrt((a * a + b * b + c * c) / 3);
}

/** Tissue borders, lesion and mimics as `grid`'s voxels see them: partial-volume borders (borderWidths, withFootprint). */
function seenBy(grid: Grid, lesion: LesionPlan, mimics: readonly Mimic[]) {
  const size = voxelFootprint(grid);
  return {
    edges: borderWidths(size),
    lesionField: lesion.field.withFootprint(size),
    mimicFields: mimics.map((mimic) => mimic.field.withFootprint(size)),
  };
}

/** The lesion's signal weight at a point: its soft field with the patchy texture of diffusion restriction. */
function lesionSignal(lesion: LesionPlan, field: number, x: number, y: number, z: number): number {
  if (field <= 0.01) return 0;
  const t = lesion.texture;
  return field * (1 - t[0] * (0.5 + 0.5 * sin(t[1] * (x * t[3] + y * t[4] + z * t[5]) + t[2])));
}

/**
 * Renders the DWI grid: noise-free b=0 and b=b images, the brain mask and the lesion mask. Lesion and mimic changes
 * apply to parenchyma only (never to CSF), so lesions stay inside the brain.
 */
export function renderDiffusion(
  grid: Grid,
  brain: BrainModel,
  lesion: LesionPlan,
  mimics: readonly Mimic[],
  c: DiffusionContrast,
): DiffusionImages {
  const total = grid.shape[0] * grid.shape[1] * grid.shape[2];
  const out: DiffusionImages = {
    s0: new Float32Array(total),
    sb: new Float32Array(total),
    brain: new Uint8Array(total),
    lesionMask: new Uint8Array(total),
  };
  const { edges, lesionField, mimicFields } = seenBy(grid, lesion, mimics);
  const tissue = new Float64Array(TISSUE_SLOTS);
  const b = c.b;
  const csfS0 = c.csf.dwi * exp(b * c.csf.adc);
  const choroidS0 = c.choroid.dwi * exp(b * c.choroid.adc);
  walkGrid(grid, brain, (index, x, y, z) => {
    brain.sample(x, y, z, tissue, edges, c.b0PileUpShiftMm);
    if (tissue[Tissue.Brain] < 0.5) return;
    out.brain[index] = 1;
    const white = tissue[Tissue.White];
    const grey = tissue[Tissue.Grey];
    const choroid = tissue[Tissue.Choroid];
    const csf = tissue[Tissue.Csf] - choroid;
    // The mask is the rater's: the sharp lesion surface, where most of the voxel is parenchyma.
    if (white + grey >= 0.5 && lesion.field.value(x, y, z) >= 0.5) out.lesionMask[index] = 1;
    // Parenchymal changes (lesion with its texture, mimics) as DWI and ADC multipliers.
    const signal = lesionSignal(lesion, lesionField.value(x, y, z), x, y, z);
    let dwiChange = 1 + (c.lesion.dwi - 1) * signal;
    let adcChange = 1 + (c.lesion.adc - 1) * signal;
    for (let n = 0; n < mimics.length; n++) {
      const w = mimicFields[n].value(x, y, z);
      if (w <= 0.005) continue;
      dwiChange *= 1 + (mimics[n].dwi - 1) * w;
      adcChange *= 1 + (mimics[n].adc - 1) * w;
    }
    const leuko = tissue[Tissue.Leukoaraiosis];
    const regional = tissue[Tissue.Texture];
    const adcRegional = 1 + c.textureAdc * regional;
    dwiChange *= 1 + c.textureDwi * regional;
    const ribbon = 1 + c.ribbonGain * tissue[Tissue.Ribbon];
    const whiteB = c.white.dwi * (1 + (c.leukoaraiosis.dwi - 1) * leuko) * dwiChange;
    const whiteAdc = c.white.adc * (1 + (c.leukoaraiosis.adc - 1) * leuko) * adcChange * adcRegional;
    const greyB = c.grey.dwi * ribbon * dwiChange;
    const greyAdc = c.grey.adc * adcChange * adcRegional;
    // EPI pile-up scales both images about alike but displaced from each other: much brighter DWI, an ADC near
    // normal at the artefact's centre and low on one flank, high on the other.
    const pileUp = c.susceptibilityGain * tissue[Tissue.Susceptibility];
    const b0PileUp = c.susceptibilityGain * tissue[Tissue.SusceptibilityB0];
    out.sb[index] = (1 + pileUp) * (white * whiteB + grey * greyB + csf * c.csf.dwi + choroid * c.choroid.dwi);
    out.s0[index] =
      (1 + b0PileUp * c.b0PileUpRatio) *
      (white * whiteB * exp(b * whiteAdc) + grey * greyB * exp(b * greyAdc) + csf * csfS0 + choroid * choroidS0);
  });
  return out;
}

/** Renders FLAIR on its own grid, with its own (thick-slice) partial volume. */
export function renderFlair(
  grid: Grid,
  brain: BrainModel,
  lesion: LesionPlan,
  mimics: readonly Mimic[],
  c: FlairContrast,
): { image: Float32Array; brain: Uint8Array } {
  const total = grid.shape[0] * grid.shape[1] * grid.shape[2];
  const image = new Float32Array(total);
  const brainMask = new Uint8Array(total);
  const { edges, lesionField, mimicFields } = seenBy(grid, lesion, mimics);
  const tissue = new Float64Array(TISSUE_SLOTS);
  walkGrid(grid, brain, (index, x, y, z) => {
    brain.sample(x, y, z, tissue, edges);
    if (tissue[Tissue.Brain] < 0.5) return;
    brainMask[index] = 1;
    const choroid = tissue[Tissue.Choroid];
    let signal =
      tissue[Tissue.White] * c.white * (1 + c.leukoaraiosisGain * tissue[Tissue.Leukoaraiosis]) +
      tissue[Tissue.Grey] * c.grey;
    signal *= 1 + (c.lesion - 1) * lesionSignal(lesion, lesionField.value(x, y, z), x, y, z);
    for (let n = 0; n < mimics.length; n++) signal *= 1 + (mimics[n].flair - 1) * mimicFields[n].value(x, y, z);
    image[index] = signal + (tissue[Tissue.Csf] - choroid) * c.csf + choroid * c.choroid;
  });
  return { image, brain: brainMask };
}
