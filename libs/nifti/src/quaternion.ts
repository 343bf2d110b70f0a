/**
 * NIfTI qform ↔ matrix conversions, ported from nifti1_io.c (nifti_quatern_to_mat44, nifti_mat44_to_quatern,
 * nifti_mat33_polar) so that what we write decodes to the same matrix in every reader built on that library
 * (ITK, Slicer, FSL, AFNI) and in nibabel, which implements the same maths.
 */
import { identityAffine } from './affine';
import type { Affine, Vec3 } from './volume';

export interface Qform {
  quaternB: number;
  quaternC: number;
  quaternD: number;
  qoffset: Vec3;
  /** pixdim[1..3]. */
  pixdim: Vec3;
  /** pixdim[0]: −1 when the k axis is flipped (a left-handed grid), else 1. */
  qfac: 1 | -1;
}

/** The qform affine (NIfTI "method 2"). Non-positive pixdims count as 1, as nifti1_io.c does. */
export function qformToAffine(q: Qform): Affine {
  let b = q.quaternB;
  let c = q.quaternC;
  let d = q.quaternD;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // Not a unit quaternion: renormalise (b, c, d) and take a 180° rotation, as the reference code does.
    const s = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= s;
    c *= s;
    d *= s;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const [dx, dy, dz] = q.pixdim.map((p) => (p > 0 ? p : 1));
  const zScale = q.qfac < 0 ? -dz : dz;
  const m = identityAffine();
  m[0] = (a * a + b * b - c * c - d * d) * dx;
  m[1] = 2 * (b * c - a * d) * dy;
  m[2] = 2 * (b * d + a * c) * zScale;
  m[4] = 2 * (b * c + a * d) * dx;
  m[5] = (a * a + c * c - b * b - d * d) * dy;
  m[6] = 2 * (c * d - a * b) * zScale;
  m[8] = 2 * (b * d - a * c) * dx;
  m[9] = 2 * (c * d + a * b) * dy;
  m[10] = (a * a + d * d - c * c - b * b) * zScale;
  m[3] = q.qoffset[0];
  m[7] = q.qoffset[1];
  m[11] = q.qoffset[2];
  return m;
}

type Mat3 = number[][];

const det3 = (m: Mat3) =>
  m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
  m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
  m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);

function inverse3(m: Mat3): Mat3 {
  const det = det3(m);
  const cof = (r0: number, r1: number, c0: number, c1: number) => m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
  return [
    [cof(1, 2, 1, 2) / det, -cof(0, 2, 1, 2) / det, cof(0, 1, 1, 2) / det],
    [-cof(1, 2, 0, 2) / det, cof(0, 2, 0, 2) / det, -cof(0, 1, 0, 2) / det],
    [cof(1, 2, 0, 1) / det, -cof(0, 2, 0, 1) / det, cof(0, 1, 0, 1) / det],
  ];
}

const rowNorm = (m: Mat3) => Math.max(...m.map((row) => Math.abs(row[0]) + Math.abs(row[1]) + Math.abs(row[2])));
const colNorm = (m: Mat3) =>
  Math.max(...[0, 1, 2].map((c) => Math.abs(m[0][c]) + Math.abs(m[1][c]) + Math.abs(m[2][c])));

/**
 * The orthogonal matrix nearest to `a` (polar decomposition by scaled Newton iteration, nifti_mat33_polar).
 * Used to drop shear before taking a quaternion, and by orientation detection (nibabel io_orientation uses the
 * same polar factor, via SVD).
 */
export function nearestOrthogonal(a: Mat3): Mat3 {
  let x = a.map((row) => row.slice());
  let gam = det3(x);
  while (gam === 0) {
    gam = 0.00001 * (0.001 + rowNorm(x));
    for (let i = 0; i < 3; i++) x[i][i] += gam;
    gam = det3(x);
  }
  let dif = 1;
  for (let k = 0; ; k++) {
    const y = inverse3(x);
    let gm = 1;
    let gmi = 1;
    if (dif > 0.3) {
      const alp = Math.sqrt(rowNorm(x) * colNorm(x));
      const bet = Math.sqrt(rowNorm(y) * colNorm(y));
      gm = Math.sqrt(bet / alp);
      gmi = 1 / gm;
    }
    const z = x.map((row, i) => row.map((v, j) => 0.5 * (gm * v + gmi * y[j][i])));
    dif = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) dif += Math.abs(z[i][j] - x[i][j]);
    x = z;
    if (k >= 100 || dif < 3e-6) return x;
  }
}

/** The qform parameters that best represent an affine (exactly, when its 3×3 part has orthogonal columns). */
export function affineToQform(affine: Affine): Qform {
  const r: Mat3 = [0, 1, 2].map((row) => [affine[row * 4], affine[row * 4 + 1], affine[row * 4 + 2]]);
  const pixdim = [0, 1, 2].map((c) => Math.hypot(r[0][c], r[1][c], r[2][c])) as Vec3;
  for (let c = 0; c < 3; c++) {
    if (pixdim[c] === 0) {
      // A degenerate column: patch it to the unit axis so a quaternion still exists, as nifti1_io.c does.
      for (let row = 0; row < 3; row++) r[row][c] = row === c ? 1 : 0;
      pixdim[c] = 1;
    } else {
      for (let row = 0; row < 3; row++) r[row][c] /= pixdim[c];
    }
  }
  const q = nearestOrthogonal(r);
  let qfac: 1 | -1 = 1;
  if (det3(q) <= 0) {
    qfac = -1;
    for (let row = 0; row < 3; row++) q[row][2] = -q[row][2];
  }
  const [[r11, r12, r13], [r21, r22, r23], [r31, r32, r33]] = q;
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { quaternB: b, quaternC: c, quaternD: d, qoffset: [affine[3], affine[7], affine[11]], pixdim, qfac };
}
