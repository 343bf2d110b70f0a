/**
 * 4×4 row-major affine maths on Float64Array (world = A · [i, j, k, 1]ᵀ). Plain functions, no allocation in the
 * per-voxel paths: callers precompute what they need once per volume.
 */
import type { Affine, Vec3 } from './volume';

export function identityAffine(): Affine {
  return Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
}

/** An affine from its three top rows (NIfTI srow_x, srow_y, srow_z). */
export function affineFromRows(rows: ArrayLike<number>[]): Affine {
  const a = identityAffine();
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) a[r * 4 + c] = rows[r][c];
  return a;
}

/** C = A · B. */
export function multiplyAffines(a: Affine, b: Affine): Affine {
  const c = new Float64Array(16);
  for (let r = 0; r < 4; r++) {
    for (let col = 0; col < 4; col++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[r * 4 + k] * b[k * 4 + col];
      c[r * 4 + col] = sum;
    }
  }
  return c;
}

/** Determinant of the 3×3 linear part. */
export function affineDeterminant3(a: Affine): number {
  return a[0] * (a[5] * a[10] - a[6] * a[9]) - a[1] * (a[4] * a[10] - a[6] * a[8]) + a[2] * (a[4] * a[9] - a[5] * a[8]);
}

/**
 * Inverse of an affine whose last row is [0, 0, 0, 1]: the 3×3 part by cofactors, the translation by −M⁻¹t.
 * Throws a RangeError for a singular linear part (a degenerate grid has no inverse).
 */
export function affineInverse(a: Affine): Affine {
  const det = affineDeterminant3(a);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) {
    throw new RangeError(`affineInverse: the 3x3 part is singular (determinant ${det})`);
  }
  const [m00, m01, m02, , m10, m11, m12, , m20, m21, m22] = a;
  const inv = identityAffine();
  inv[0] = (m11 * m22 - m12 * m21) / det;
  inv[1] = (m02 * m21 - m01 * m22) / det;
  inv[2] = (m01 * m12 - m02 * m11) / det;
  inv[4] = (m12 * m20 - m10 * m22) / det;
  inv[5] = (m00 * m22 - m02 * m20) / det;
  inv[6] = (m02 * m10 - m00 * m12) / det;
  inv[8] = (m10 * m21 - m11 * m20) / det;
  inv[9] = (m01 * m20 - m00 * m21) / det;
  inv[10] = (m00 * m11 - m01 * m10) / det;
  for (let r = 0; r < 3; r++) {
    inv[r * 4 + 3] = -(inv[r * 4] * a[3] + inv[r * 4 + 1] * a[7] + inv[r * 4 + 2] * a[11]);
  }
  return inv;
}

/** world (or voxel) coordinates of a point: A · [x, y, z, 1]ᵀ. */
export function applyAffine(a: Affine, p: Vec3): Vec3 {
  return [
    a[0] * p[0] + a[1] * p[1] + a[2] * p[2] + a[3],
    a[4] * p[0] + a[5] * p[1] + a[6] * p[2] + a[7],
    a[8] * p[0] + a[9] * p[1] + a[10] * p[2] + a[11],
  ];
}

/** Voxel sizes: the Euclidean norms of the 3×3 part's columns (what nibabel calls zooms). */
export function affineColumnNorms(a: Affine): Vec3 {
  const norm = (c: number) => Math.hypot(a[c], a[4 + c], a[8 + c]);
  return [norm(0), norm(1), norm(2)];
}

/** Largest absolute element-wise difference between two affines. */
export function maxAffineDifference(a: Affine, b: Affine): number {
  let worst = 0;
  for (let i = 0; i < 16; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The affine as four rows, for JSON output and messages. */
export function affineToRows(a: Affine): number[][] {
  return [0, 1, 2, 3].map((r) => Array.from(a.subarray(r * 4, r * 4 + 4)));
}
