import type { Random } from '@fedstroke/common';
import type { Vec3 } from '@fedstroke/nifti';
import { unitVector } from './draws';
import { Matrix3, rotationXYZ } from './rotation';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { exp, max, sin, sqrt } = Math;

/** One ellipsoidal lobe of a lesion: rotated, surface wobbled by two waves, with a sigmoid border of `width` mm. */
export interface Blob {
  centre: Vec3;
  /** Brain-local → blob frame. */
  rotation: Matrix3;
  axes: Vec3;
  /** Border width in mm: ~0.3 is a sharp edge, 2 a blurry one. The half-maximum sits on the ellipsoid surface. */
  width: number;
  /** Two surface waves: amplitude (fraction of radius), frequency, phase, and a unit direction each. */
  wobble: number[];
  /** Beyond this distance from the centre the blob contributes (well) under 2%: skipped. */
  reach: number;
}

export function drawBlob(random: Random, centre: Vec3, axes: Vec3, width: number, irregularity: number): Blob {
  const wobble: number[] = [];
  for (let n = 0; n < 2; n++)
    wobble.push(irregularity * random.range(0.4, 1), random.range(2, 5), random.range(0, 6.3), ...unitVector(random));
  const rotation = rotationXYZ(random.range(0, Math.PI), random.range(0, Math.PI), random.range(0, Math.PI));
  const reach = max(...axes) * (1 + 2 * irregularity) + 4 * width + 1;
  return { centre, rotation, axes, width, wobble, reach };
}

/**
 * The union (pointwise maximum) of blobs as a soft field in [0, 1]: 0.5 on the lesion surface. A rater's mask is
 * the field ≥ 0.5; the image sees the soft profile, so blurry borders make the boundary genuinely uncertain.
 */
export class BlobField {
  constructor(readonly blobs: readonly Blob[]) {}

  /**
   * The field as voxels `footprintMm` across see it: each border's sigmoid widened so a point sample approximates
   * the voxel average (a logistic of width w has standard deviation 1.81 w, a box of width h 0.29 h; variances add).
   * The 0.5 level, where a rater draws the mask, stays on the same surface.
   */
  withFootprint(footprintMm: number): BlobField {
    const extra = 0.16 * footprintMm;
    return new BlobField(
      this.blobs.map((blob) => {
        const width = Math.sqrt(blob.width * blob.width + extra * extra);
        return { ...blob, width, reach: blob.reach + 4 * (width - blob.width) };
      }),
    );
  }

  get isEmpty(): boolean {
    return this.blobs.length === 0;
  }

  value(x: number, y: number, z: number): number {
    let best = 0;
    for (let n = 0; n < this.blobs.length; n++) {
      const blob = this.blobs[n];
      const dx = x - blob.centre[0];
      const dy = y - blob.centre[1];
      const dz = z - blob.centre[2];
      if (dx * dx + dy * dy + dz * dz > blob.reach * blob.reach) continue;
      const m = blob.rotation;
      const u = (m[0] * dx + m[1] * dy + m[2] * dz) / blob.axes[0];
      const v = (m[3] * dx + m[4] * dy + m[5] * dz) / blob.axes[1];
      const w = (m[6] * dx + m[7] * dy + m[8] * dz) / blob.axes[2];
      const r = sqrt(u * u + v * v + w * w);
      let deform = 0;
      if (r > 1e-6) {
        const q = blob.wobble;
        for (let t = 0; t < q.length; t += 6) {
          const along = (u * q[t + 3] + v * q[t + 4] + w * q[t + 5]) / r;
          deform += q[t] * sin(q[t + 1] * along + q[t + 2]);
        }
      }
      // Signed distance to the surface, approximated along the mean radius (positive inside).
      const meanRadius = (blob.axes[0] + blob.axes[1] + blob.axes[2]) / 3;
      const distance = (1 - r / (1 + deform)) * meanRadius;
      const value = 1 / (1 + exp(-distance / blob.width));
      if (value > best) best = value;
    }
    return best;
  }
}
