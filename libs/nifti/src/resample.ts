/**
 * Resampling through world space: each target voxel centre goes target voxel → world → moving voxel, and the
 * moving image is sampled there (trilinear for images, nearest for masks). This is how FLAIR, acquired in its
 * own space, reaches the DWI grid. Loops run over typed arrays with the index map's rows precomputed and no
 * Math.* calls per voxel: a 512×512×29 FLAIR into a 112×112×73 grid takes about 0.1 s warm on one core.
 */
import { affineColumnNorms, affineInverse, multiplyAffines } from './affine';
import type { Affine, Vec3, Volume } from './volume';

export type InterpolationMode = 'linear' | 'nearest';

export interface TargetGrid {
  shape: Vec3;
  affine: Affine;
}

export interface ResampleOptions {
  /** Value for target voxels outside the moving image's field of view; default 0. */
  fill?: number;
}

export interface ResampledVolume extends Volume {
  /** Fraction (0..1) of target voxels whose centre fell inside the moving image's field of view. */
  coverage: number;
}

/**
 * A point is inside the field of view when it lies within the voxel cubes of the moving image, i.e. its voxel
 * coordinate is in [−0.5, n − 0.5] on every axis (a hair of slack absorbs float rounding on shared edges).
 */
const EDGE = 0.5 + 1e-6;

/**
 * Target voxel → moving voxel, as a 4×4 (moving⁻¹ · target). Entries within 1e-9 of an integer are snapped to
 * it, so that the same grid (or a whole-voxel shift or permutation) copies values exactly instead of blending
 * them by the 1e-16 left over from inverting the affine.
 */
function targetToMoving(moving: Pick<Volume, 'affine'>, target: TargetGrid): Affine {
  const m = multiplyAffines(affineInverse(moving.affine), target.affine);
  for (let e = 0; e < 12; e++) {
    const whole = Math.round(m[e]);
    if (Math.abs(m[e] - whole) < 1e-9) m[e] = whole;
  }
  return m;
}

/** Fraction of the target grid's voxel centres that fall inside `moving`'s field of view. */
export function fieldOfViewOverlap(moving: Pick<Volume, 'shape' | 'affine'>, target: TargetGrid): number {
  const m = targetToMoving(moving, target);
  const [mx, my, mz] = moving.shape;
  const [tx, ty, tz] = target.shape;
  let inside = 0;
  for (let k = 0; k < tz; k++) {
    for (let j = 0; j < ty; j++) {
      for (let i = 0; i < tx; i++) {
        const x = m[0] * i + m[1] * j + m[2] * k + m[3];
        const y = m[4] * i + m[5] * j + m[6] * k + m[7];
        const z = m[8] * i + m[9] * j + m[10] * k + m[11];
        if (x >= -EDGE && x <= mx - 1 + EDGE && y >= -EDGE && y <= my - 1 + EDGE && z >= -EDGE && z <= mz - 1 + EDGE) {
          inside++;
        }
      }
    }
  }
  return inside / (tx * ty * tz);
}

/** Resamples `moving` onto `target`'s grid. Only the first frame of a multi-frame volume is used. */
export function resampleToGrid(
  moving: Volume,
  target: TargetGrid,
  mode: InterpolationMode,
  options: ResampleOptions = {},
): ResampledVolume {
  const fill = options.fill ?? 0;
  const m = targetToMoving(moving, target);
  const [mx, my, mz] = moving.shape;
  const [tx, ty, tz] = target.shape;
  const src = moving.data;
  const sxy = mx * my;
  const [lastX, lastY, lastZ] = [mx - 1, my - 1, mz - 1];
  const [hiX, hiY, hiZ] = [lastX + EDGE, lastY + EDGE, lastZ + EDGE];
  const out = new Float32Array(tx * ty * tz);
  const linear = mode === 'linear';
  let inside = 0;
  let o = 0;
  for (let k = 0; k < tz; k++) {
    for (let j = 0; j < ty; j++) {
      // Moving coordinates of target voxel (0, j, k); each step in i adds the first column of m.
      let x = m[1] * j + m[2] * k + m[3];
      let y = m[5] * j + m[6] * k + m[7];
      let z = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < tx; i++, o++, x += m[0], y += m[4], z += m[8]) {
        if (!(x >= -EDGE && x <= hiX && y >= -EDGE && y <= hiY && z >= -EDGE && z <= hiZ)) {
          out[o] = fill;
          continue;
        }
        inside++;
        // Clamp to the outermost voxel centres (edge replication over the last half voxel, so an image does not
        // fade towards `fill` inside its own field of view). Hot loop: comparisons and `| 0` (a floor for
        // non-negative values) instead of Math.* calls.
        const cx = x < 0 ? 0 : x > lastX ? lastX : x;
        const cy = y < 0 ? 0 : y > lastY ? lastY : y;
        const cz = z < 0 ? 0 : z > lastZ ? lastZ : z;
        if (!linear) {
          out[o] = src[((cx + 0.5) | 0) + mx * ((cy + 0.5) | 0) + sxy * ((cz + 0.5) | 0)];
          continue;
        }
        let i0 = cx | 0;
        let j0 = cy | 0;
        let k0 = cz | 0;
        if (i0 > mx - 2) i0 = mx - 2;
        if (j0 > my - 2) j0 = my - 2;
        if (k0 > mz - 2) k0 = mz - 2;
        // A one-voxel-thick axis (e.g. a single slice) has no neighbour to blend with.
        const fi = i0 < 0 ? 0 : cx - i0;
        const fj = j0 < 0 ? 0 : cy - j0;
        const fk = k0 < 0 ? 0 : cz - k0;
        const di = i0 < 0 ? 0 : 1;
        const dj = j0 < 0 ? 0 : mx;
        const dk = k0 < 0 ? 0 : sxy;
        const base = (i0 < 0 ? 0 : i0) + mx * (j0 < 0 ? 0 : j0) + sxy * (k0 < 0 ? 0 : k0);
        const c00 = src[base] + fi * (src[base + di] - src[base]);
        const c10 = src[base + dj] + fi * (src[base + dj + di] - src[base + dj]);
        const c01 = src[base + dk] + fi * (src[base + dk + di] - src[base + dk]);
        const c11 = src[base + dk + dj] + fi * (src[base + dk + dj + di] - src[base + dk + dj]);
        const c0 = c00 + fj * (c10 - c00);
        const c1 = c01 + fj * (c11 - c01);
        out[o] = c0 + fk * (c1 - c0);
      }
    }
  }
  return {
    data: out,
    shape: target.shape.slice() as Vec3,
    spacing: affineColumnNorms(target.affine),
    affine: Float64Array.from(target.affine),
    datatype: moving.datatype,
    source: moving.source,
    coverage: inside / out.length,
  };
}

/**
 * The grid with voxel size `spacing` over the same physical extent as `volume`, directions unchanged:
 * n' = max(1, round(n · s / s')) voxels per axis, centred on the original extent (so when n · s / s' is whole,
 * the outer voxel faces coincide exactly).
 */
export function gridForSpacing(volume: Pick<Volume, 'shape' | 'affine'>, spacing: Vec3): TargetGrid {
  const current = affineColumnNorms(volume.affine);
  const shape = [0, 1, 2].map((a) => Math.max(1, Math.round((volume.shape[a] * current[a]) / spacing[a]))) as Vec3;
  const affine = Float64Array.from(volume.affine);
  const origin = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    // Scale of one new voxel in old voxel units, and where the new voxel 0 centre sits in old voxel coordinates.
    const scale = spacing[a] / current[a];
    const start = -0.5 + (volume.shape[a] - shape[a] * scale) / 2 + scale / 2;
    for (let r = 0; r < 3; r++) {
      origin[r] += volume.affine[r * 4 + a] * start;
      affine[r * 4 + a] = volume.affine[r * 4 + a] * scale;
    }
  }
  for (let r = 0; r < 3; r++) affine[r * 4 + 3] = volume.affine[r * 4 + 3] + origin[r];
  return { shape, affine };
}

/** Resamples onto a new voxel size over the same extent (see gridForSpacing). */
export function resampleToSpacing(volume: Volume, spacing: Vec3, mode: InterpolationMode): ResampledVolume {
  return resampleToGrid(volume, gridForSpacing(volume, spacing), mode);
}
