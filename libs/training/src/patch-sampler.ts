import { InvalidArgumentError, type Random } from '@fedstroke/common';
import type { BatchBuffer } from './batch-buffer';
import { caseDims, type SpatialDims, type TrainingCase } from './training-case';

/** nnU-Net's oversample_foreground_percent: a third of the patches are centred on a lesion voxel. */
export const DEFAULT_FOREGROUND_FRACTION = 1 / 3;

/** Where one patch was cut: the case, the patch origin in [z, y, x] (may be negative: padded), and why. */
export interface PatchDraw {
  caseIndex: number;
  origin: SpatialDims;
  /** True when the patch was centred on a lesion voxel (false for uniform draws and lesion-free cases). */
  foreground: boolean;
}

/** Rejects patch sizes the network cannot take: every edge a positive multiple of 2^(levels-1). */
export function validatePatchSize(patch: SpatialDims, spatialMultiple: number): void {
  for (const edge of patch) {
    if (!Number.isInteger(edge) || edge <= 0 || edge % spatialMultiple !== 0)
      throw new InvalidArgumentError(
        `patch size [${patch.join(', ')}]: every edge must be a positive multiple of the network's spatial multiple ${spatialMultiple} (e.g. ${4 * spatialMultiple})`,
      );
  }
}

/**
 * Picks a case uniformly, then with probability `foregroundFraction` centres the patch on a random lesion voxel
 * (nnU-Net style; a case without lesion falls back to a uniform patch); otherwise the origin is uniform. Where the
 * volume is at least as large as the patch the patch stays inside it; where it is smaller, the volume lands at a
 * random place inside the patch and the rest is padding.
 */
export function drawPatch(
  cases: TrainingCase[],
  patch: SpatialDims,
  foregroundFraction: number,
  rng: Random,
): PatchDraw {
  return drawPatchFromCase(cases, rng.int(cases.length), patch, foregroundFraction, rng);
}

/** drawPatch for a given case (DP-SGD samples the cases itself, one patch per included case). */
export function drawPatchFromCase(
  cases: TrainingCase[],
  caseIndex: number,
  patch: SpatialDims,
  foregroundFraction: number,
  rng: Random,
): PatchDraw {
  const c = cases[caseIndex];
  const dims = caseDims(c);
  const wantForeground = rng.chance(foregroundFraction);
  const origin: SpatialDims = [0, 0, 0];
  if (wantForeground && c.foreground.length > 0) {
    const flat = c.foreground[rng.int(c.foreground.length)];
    const [, h, w] = dims;
    const centre: SpatialDims = [Math.floor(flat / (h * w)), Math.floor(flat / w) % h, flat % w];
    for (let axis = 0; axis < 3; axis++) {
      const [low, high] = originBounds(dims[axis], patch[axis]);
      origin[axis] = Math.min(high, Math.max(low, centre[axis] - Math.floor(patch[axis] / 2)));
    }
    return { caseIndex, origin, foreground: true };
  }
  for (let axis = 0; axis < 3; axis++) {
    const [low, high] = originBounds(dims[axis], patch[axis]);
    origin[axis] = rng.intInclusive(low, high);
  }
  return { caseIndex, origin, foreground: false };
}

/** Origins that keep the patch inside the volume, or, when the volume is smaller, the volume inside the patch. */
function originBounds(size: number, patchEdge: number): [number, number] {
  return size >= patchEdge ? [0, size - patchEdge] : [size - patchEdge, 0];
}

/**
 * Copies the patch at `origin` of every channel (and the label as 0/1) into sample `sample` of the batch buffer.
 * Voxels outside the volume get `padValue` (image) and 0 (label). Row-wise loops, no allocation.
 */
export function extractPatch(
  c: TrainingCase,
  origin: SpatialDims,
  batch: BatchBuffer,
  sample: number,
  padValue = 0,
): void {
  const [pd, ph, pw] = batch.patch;
  const patchVoxels = pd * ph * pw;
  const dims = caseDims(c);
  for (let ch = 0; ch < batch.channels; ch++) {
    copyBox(
      c.channels[ch],
      dims,
      origin,
      batch.patch,
      batch.image,
      (sample * batch.channels + ch) * patchVoxels,
      padValue,
    );
  }
  const labelOffset = sample * patchVoxels;
  if (c.label) copyBox(c.label, dims, origin, batch.patch, batch.label, labelOffset, 0);
  else batch.label.fill(0, labelOffset, labelOffset + patchVoxels);
}

function copyBox(
  source: Float32Array | Uint8Array,
  dims: SpatialDims,
  origin: SpatialDims,
  patch: SpatialDims,
  target: Float32Array,
  targetOffset: number,
  padValue: number,
): void {
  const [d, h, w] = dims;
  const [pd, ph, pw] = patch;
  const [oz, oy, ox] = origin;
  // The x range that lies inside the volume is the same for every row.
  const x0 = Math.max(0, -ox);
  const x1 = Math.min(pw, w - ox);
  let t = targetOffset;
  for (let z = 0; z < pd; z++) {
    const sz = oz + z;
    for (let y = 0; y < ph; y++, t += pw) {
      const sy = oy + y;
      if (sz < 0 || sz >= d || sy < 0 || sy >= h || x1 <= x0) {
        target.fill(padValue, t, t + pw);
        continue;
      }
      if (x0 > 0) target.fill(padValue, t, t + x0);
      const rowStart = (sz * h + sy) * w + ox;
      for (let x = x0; x < x1; x++) target[t + x] = source[rowStart + x];
      if (x1 < pw) target.fill(padValue, t + x1, t + pw);
    }
  }
}

/** Fills the whole batch buffer with freshly drawn patches; returns the draws (for logging and tests). */
export function sampleBatch(
  cases: TrainingCase[],
  batch: BatchBuffer,
  rng: Random,
  foregroundFraction = DEFAULT_FOREGROUND_FRACTION,
): PatchDraw[] {
  const draws: PatchDraw[] = [];
  for (let sample = 0; sample < batch.batchSize; sample++) {
    const draw = drawPatch(cases, batch.patch, foregroundFraction, rng);
    extractPatch(cases[draw.caseIndex], draw.origin, batch, sample);
    draws.push(draw);
  }
  return draws;
}
