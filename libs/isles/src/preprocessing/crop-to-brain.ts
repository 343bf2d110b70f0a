import type { Vec3 } from '@fedstroke/nifti';
import { InvalidArgumentError } from '@fedstroke/common';
import { CropBox, LoadedCase, voxelCount } from '../loading/loaded-case';
import type { Preprocessing } from './preprocessing';

/** Smallest box holding every non-zero voxel, grown by `margin` voxels and clipped to the grid; null when empty. */
export function nonzeroBoundingBox(values: Float32Array | Uint8Array, shape: Vec3, margin: number): CropBox | null {
  const [nx, ny, nz] = shape;
  const low: Vec3 = [nx, ny, nz];
  const high: Vec3 = [-1, -1, -1];
  for (let k = 0, index = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, index++) {
        if (values[index] === 0) continue;
        if (i < low[0]) low[0] = i;
        if (i > high[0]) high[0] = i;
        if (j < low[1]) low[1] = j;
        if (j > high[1]) high[1] = j;
        if (k < low[2]) low[2] = k;
        if (k > high[2]) high[2] = k;
      }
    }
  }
  if (high[0] < 0) return null;
  const start = low.map((value) => Math.max(0, value - margin)) as Vec3;
  const end = high.map((value, axis) => Math.min(shape[axis] - 1, value + margin)) as Vec3;
  return { start, size: [end[0] - start[0] + 1, end[1] - start[1] + 1, end[2] - start[2] + 1], sourceShape: shape };
}

/** Copies the box out of an x-fastest volume. */
export function cropVolume<T extends Float32Array | Uint8Array>(values: T, box: CropBox): T {
  const [sx, sy] = box.sourceShape;
  const [bx, by, bz] = box.size;
  const out = new (values.constructor as new (length: number) => T)(bx * by * bz);
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      const from = box.start[0] + sx * (box.start[1] + j + sy * (box.start[2] + k));
      out.set(values.subarray(from, from + bx), bx * (j + by * k));
    }
  }
  return out;
}

/** The inverse of cropVolume: puts a cropped volume (e.g. a prediction) back into the full grid, `fill` elsewhere. */
export function pasteCrop<T extends Float32Array | Uint8Array>(cropped: T, box: CropBox, fill = 0): T {
  if (cropped.length !== voxelCount(box.size))
    throw new InvalidArgumentError(
      `pasteCrop: ${cropped.length} voxels given, the crop box holds ${voxelCount(box.size)}`,
    );
  const [sx, sy] = box.sourceShape;
  const [bx, by, bz] = box.size;
  const out = new (cropped.constructor as new (length: number) => T)(voxelCount(box.sourceShape));
  if (fill !== 0) out.fill(fill);
  for (let k = 0; k < bz; k++) {
    for (let j = 0; j < by; j++) {
      const to = box.start[0] + sx * (box.start[1] + j + sy * (box.start[2] + k));
      out.set(cropped.subarray(bx * (j + by * k), bx * (j + by * k) + bx), to);
    }
  }
  return out;
}

function countOnes(mask: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < mask.length; i++) total += mask[i];
  return total;
}

/**
 * Crops every channel, the brain and the mask to the brain's bounding box (non-zero DWI) plus a margin, as nnU-Net
 * crops to the non-zero region: less background per patch and per inference window. The affine is shifted so world
 * coordinates are unchanged, and the box is kept in `crop` so predictions can be pasted back exactly. A case whose
 * brain is empty (BRAIN_MASK_EMPTY) stays as it is.
 */
export class CropToBrain implements Preprocessing {
  readonly name = 'crop-to-brain';

  constructor(readonly marginVoxels = 2) {
    if (!Number.isInteger(marginVoxels) || marginVoxels < 0)
      throw new InvalidArgumentError(
        `CropToBrain margin must be a non-negative integer of voxels, got ${marginVoxels}`,
      );
  }

  apply(input: LoadedCase): LoadedCase {
    const box = nonzeroBoundingBox(input.brain, input.shape, this.marginVoxels);
    if (box === null) return input;
    const affine = Float64Array.from(input.affine);
    for (let row = 0; row < 3; row++) {
      affine[row * 4 + 3] += input.affine[row * 4] * box.start[0] + input.affine[row * 4 + 1] * box.start[1];
      affine[row * 4 + 3] += input.affine[row * 4 + 2] * box.start[2];
    }
    // Two crops in a row compose: the recorded box always refers to the grid before the first crop.
    const crop: CropBox = input.crop
      ? {
          start: [0, 1, 2].map((axis) => input.crop!.start[axis] + box.start[axis]) as Vec3,
          size: box.size,
          sourceShape: input.crop.sourceShape,
        }
      : box;
    const mask = input.mask ? cropVolume(input.mask, box) : undefined;
    const lost = input.mask ? countOnes(input.mask) - countOnes(mask!) : 0;
    const qc =
      lost === 0
        ? input.qc
        : [
            ...input.qc,
            {
              code: 'MASK_OUTSIDE_BRAIN_BOX',
              message:
                `mask: ${lost} lesion voxel(s) lie outside the brain's bounding box (+${this.marginVoxels} voxels), where ` +
                'the DWI is zero; the cropped case leaves them out',
            },
          ];
    return {
      ...input,
      shape: box.size,
      affine,
      channels: input.channels.map((channel) => cropVolume(channel, box)),
      brain: cropVolume(input.brain, box),
      mask,
      qc,
      crop,
    };
  }
}
