import { BrainModel, Tissue, TISSUE_SLOTS } from './anatomy';
import { Grid, voxelToLocal } from './grids';
import type { LesionPlan, Mimic } from './lesions';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { sin } = Math;

export type Sequence = 'dwi' | 'adc' | 'flair';

/** Noise-free signal of one sequence, relative to white matter (ADC in 10^-3 mm²/s). */
export interface SequenceContrast {
  sequence: Sequence;
  white: number;
  grey: number;
  csf: number;
  /** Relative signal change of white matter at full leukoaraiosis. */
  leukoaraiosisGain: number;
  /** Multiplier at the lesion core (field = 1). */
  lesion: number;
  /** Multiplier at full susceptibility artefact. */
  susceptibility: number;
}

export interface RenderedGrid {
  /** One noise-free image per requested contrast, in its order; 0 outside the brain. */
  images: Float32Array[];
  /** The skull-strip mask (brain fraction ≥ 0.5). */
  brain: Uint8Array;
  /** Lesion mask (lesion field ≥ 0.5 on parenchyma), when asked for. */
  lesionMask?: Uint8Array;
}

/**
 * Samples anatomy, the acute lesion and the mimics at every voxel centre of `grid` and mixes tissue signals by
 * partial volume. Lesion and mimic changes apply to parenchyma only (never to CSF), so lesions stay inside the brain.
 */
export function renderGrid(
  grid: Grid,
  brain: BrainModel,
  lesion: LesionPlan,
  mimics: readonly Mimic[],
  contrasts: readonly SequenceContrast[],
  withMask: boolean,
): RenderedGrid {
  const [nx, ny, nz] = grid.shape;
  const total = nx * ny * nz;
  const images = contrasts.map(() => new Float32Array(total));
  const brainMask = new Uint8Array(total);
  const lesionMask = withMask ? new Uint8Array(total) : undefined;
  const m = voxelToLocal(grid, brain.poseRotation, brain.poseCentre);
  const tissue = new Float64Array(TISSUE_SLOTS);
  const mimicValues = new Float64Array(mimics.length);
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let x = m[3] + m[1] * j + m[2] * k;
      let y = m[7] + m[5] * j + m[6] * k;
      let z = m[11] + m[9] * j + m[10] * k;
      for (let i = 0; i < nx; i++, index++, x += m[0], y += m[4], z += m[8]) {
        brain.sample(x, y, z, tissue);
        if (tissue[Tissue.Brain] < 0.5) continue;
        brainMask[index] = 1;
        const white = tissue[Tissue.White];
        const grey = tissue[Tissue.Grey];
        const csf = tissue[Tissue.Csf];
        const parenchyma = white + grey;
        const field = lesion.field.value(x, y, z);
        // Texture inside the lesion (patchy diffusion restriction) changes the signal, never the mask.
        const t = lesion.texture;
        const signalField =
          field > 0.01 ? field * (1 - t[0] * (0.5 + 0.5 * sin(t[1] * (x * t[3] + y * t[4] + z * t[5]) + t[2]))) : 0;
        const artefact = tissue[Tissue.Susceptibility];
        for (let n = 0; n < mimics.length; n++) mimicValues[n] = mimics[n].field.value(x, y, z);
        if (lesionMask && field >= 0.5 && parenchyma >= 0.5) lesionMask[index] = 1;
        for (let c = 0; c < contrasts.length; c++) {
          const contrast = contrasts[c];
          let tissueSignal =
            white * contrast.white * (1 + contrast.leukoaraiosisGain * tissue[Tissue.Leukoaraiosis]) +
            grey * contrast.grey;
          tissueSignal *= 1 + (contrast.lesion - 1) * signalField;
          for (let n = 0; n < mimics.length; n++)
            tissueSignal *= 1 + (mimics[n][contrast.sequence] - 1) * mimicValues[n];
          images[c][index] = (tissueSignal + csf * contrast.csf) * (1 + (contrast.susceptibility - 1) * artefact);
        }
      }
    }
  }
  return { images, brain: brainMask, lesionMask };
}
