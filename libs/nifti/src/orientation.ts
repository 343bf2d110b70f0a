/**
 * Orientation to and from the closest canonical RAS+ layout, with nibabel's `io_orientation` /
 * `as_closest_canonical` semantics: only axis permutations and flips (no interpolation), and the affine is
 * updated so that every voxel keeps its world position.
 */
import { affineColumnNorms, identityAffine, maxAffineDifference, multiplyAffines } from './affine';
import { NiftiError } from './errors';
import { nearestOrthogonal } from './quaternion';
import type { Affine, Vec3, Volume } from './volume';

/** For each voxel axis: the world axis (0 = x/R, 1 = y/A, 2 = z/S) it runs along and its sign. */
export type AxisOrientation = { worldAxis: 0 | 1 | 2; flip: boolean }[];

const POSITIVE = ['R', 'A', 'S'];
const NEGATIVE = ['L', 'P', 'I'];

/**
 * Which world axis each voxel axis follows most closely. As in nibabel, shear and scale are removed first
 * (polar decomposition), then axes are assigned greedily so that ties cannot map two voxel axes to one world axis.
 */
export function axisOrientation(affine: Affine): AxisOrientation {
  const zooms = affineColumnNorms(affine).map((z) => (z === 0 ? 1 : z));
  const r = nearestOrthogonal([0, 1, 2].map((row) => [0, 1, 2].map((c) => affine[row * 4 + c] / zooms[c])));
  const result: AxisOrientation = [];
  for (let voxelAxis = 0; voxelAxis < 3; voxelAxis++) {
    let best = 0;
    for (let w = 1; w < 3; w++) if (Math.abs(r[w][voxelAxis]) > Math.abs(r[best][voxelAxis])) best = w;
    result.push({ worldAxis: best as 0 | 1 | 2, flip: r[best][voxelAxis] < 0 });
    for (let c = 0; c < 3; c++) r[best][c] = 0; // this world axis is taken
  }
  return result;
}

/** The orientation code of an affine, e.g. "RAS" or "LPS" (the direction each voxel axis increases towards). */
export function orientationCode(affine: Affine): string {
  return axisOrientation(affine)
    .map(({ worldAxis, flip }) => (flip ? NEGATIVE : POSITIVE)[worldAxis])
    .join('');
}

/**
 * Copies `source` into a grid whose axis `worldAxis` holds source axis `a` (reversed when flipped).
 * Returns the new data, shape and the 4×4 map from new voxel indices to source voxel indices.
 */
function permute(source: Volume, ornt: AxisOrientation) {
  const [nx, ny, nz] = source.shape;
  const shape = [0, 0, 0] as Vec3;
  ornt.forEach(({ worldAxis }, a) => (shape[worldAxis] = source.shape[a]));
  // newToOld: old index along source axis a = flip ? n_a − 1 − new[worldAxis] : new[worldAxis].
  const newToOld = identityAffine();
  newToOld.fill(0, 0, 12);
  ornt.forEach(({ worldAxis, flip }, a) => {
    newToOld[a * 4 + worldAxis] = flip ? -1 : 1;
    newToOld[a * 4 + 3] = flip ? source.shape[a] - 1 : 0;
  });
  // Strides of the source for a unit step along each new axis, and the source offset of new voxel (0, 0, 0).
  const sourceStrides = [1, nx, nx * ny];
  const step = [0, 0, 0];
  let origin = 0;
  ornt.forEach(({ worldAxis, flip }, a) => {
    step[worldAxis] = flip ? -sourceStrides[a] : sourceStrides[a];
    if (flip) origin += (source.shape[a] - 1) * sourceStrides[a];
  });
  const frames = source.frames ?? 1;
  const frameSize = nx * ny * nz;
  const data = new Float32Array(source.data.length);
  let out = 0;
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < shape[2]; k++) {
      for (let j = 0; j < shape[1]; j++) {
        let src = f * frameSize + origin + k * step[2] + j * step[1];
        for (let i = 0; i < shape[0]; i++, src += step[0]) data[out++] = source.data[src];
      }
    }
  }
  return { data, shape, newToOld };
}

function reorient(volume: Volume, ornt: AxisOrientation): Volume {
  const { data, shape, newToOld } = permute(volume, ornt);
  const affine = multiplyAffines(volume.affine, newToOld);
  return { ...volume, data, shape, spacing: affineColumnNorms(affine), affine };
}

/** The inverse of an orientation: for each world axis (now a voxel axis), the original axis and flip. */
function invert(ornt: AxisOrientation): AxisOrientation {
  const inverse: AxisOrientation = [];
  ornt.forEach(({ worldAxis, flip }, a) => (inverse[worldAxis] = { worldAxis: a as 0 | 1 | 2, flip }));
  return inverse;
}

export interface CanonicalResult {
  volume: Volume;
  /** The orientation code before reorienting, e.g. "LPS". */
  orientation: string;
  /** Maps a volume on the canonical grid (e.g. a predicted mask) back onto the original grid. */
  undo: (canonical: Volume) => Volume;
}

/** The volume in the closest canonical RAS+ layout (nibabel `as_closest_canonical`). */
export function reorientToRAS(volume: Volume): CanonicalResult {
  const ornt = axisOrientation(volume.affine);
  const canonical = reorient(volume, ornt);
  const originalShape = volume.shape.slice() as Vec3;
  const originalAffine = Float64Array.from(volume.affine);
  return {
    volume: canonical,
    orientation: orientationCode(volume.affine),
    undo: (v) => fromCanonicalRAS(v, originalAffine, originalShape),
  };
}

/** Puts a canonical-RAS volume back onto the original grid it came from. */
export function fromCanonicalRAS(canonical: Volume, originalAffine: Affine, originalShape: Vec3): Volume {
  const ornt = axisOrientation(originalAffine);
  const expected = [0, 0, 0];
  ornt.forEach(({ worldAxis }, a) => (expected[worldAxis] = originalShape[a]));
  if (canonical.shape.some((n, i) => n !== expected[i])) {
    throw new NiftiError(
      'NIFTI_GRID_MISMATCH',
      canonical.source ?? 'volume',
      `expected the canonical shape ${expected.join('x')} of the original grid ${originalShape.join('x')}, found ${canonical.shape.join('x')}`,
    );
  }
  const restored = reorient(canonical, invert(ornt));
  const drift = maxAffineDifference(restored.affine, originalAffine);
  if (drift > 1e-3) {
    throw new NiftiError(
      'NIFTI_GRID_MISMATCH',
      canonical.source ?? 'volume',
      `is not on the canonical grid of the original: its affine maps back ${drift.toFixed(4)} mm away from the original affine (tolerance 0.001)`,
    );
  }
  return { ...restored, affine: Float64Array.from(originalAffine), spacing: affineColumnNorms(originalAffine) };
}
