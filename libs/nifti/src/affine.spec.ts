import * as path from 'node:path';
import { Random } from '@fedstroke/common';
import {
  affineColumnNorms,
  affineInverse,
  applyAffine,
  identityAffine,
  maxAffineDifference,
  multiplyAffines,
} from './affine';
import { isSameGrid, voxelVolumeMl } from './grid';
import { affineToQform, nearestOrthogonal, qformToAffine } from './quaternion';
import { readNifti } from './read';
import type { Affine } from './volume';

const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures');

/** Seeded uniforms in [0, 1) so failures reproduce. */
function seededUniform(seed: number): () => number {
  const random = new Random(seed);
  return () => random.uniform();
}

/** A random proper rotation from a random unit quaternion, times spacings, plus an offset. */
function randomAffine(random: () => number, flipK: boolean): Affine {
  let [a, b, c, d] = [0, 0, 0, 0].map(() => random() * 2 - 1);
  const norm = Math.hypot(a, b, c, d);
  [a, b, c, d] = [a, b, c, d].map((x) => x / norm);
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const spacing = [0.3 + random() * 3, 0.3 + random() * 3, (0.3 + random() * 6) * (flipK ? -1 : 1)];
  const m = identityAffine();
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) m[row * 4 + col] = r[row][col] * spacing[col];
    m[row * 4 + 3] = (random() - 0.5) * 300;
  }
  return m;
}

describe('affine maths', () => {
  const random = seededUniform(42);

  it('inverts affines and maps points both ways', () => {
    for (let n = 0; n < 50; n++) {
      const a = randomAffine(random, n % 2 === 1);
      expect(maxAffineDifference(multiplyAffines(a, affineInverse(a)), identityAffine())).toBeLessThan(1e-12);
      const p: [number, number, number] = [random() * 100, random() * 100, random() * 50];
      const back = applyAffine(affineInverse(a), applyAffine(a, p));
      back.forEach((x, i) => expect(x).toBeCloseTo(p[i], 9));
    }
    expect(() => affineInverse(Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))).toThrow(
      /singular/,
    );
  });

  it('encodes any rotation x spacing (either handedness) as a qform that decodes to the same affine', () => {
    for (let n = 0; n < 200; n++) {
      const flip = n % 2 === 1;
      const a = randomAffine(random, flip);
      const q = affineToQform(a);
      expect(q.qfac).toBe(flip ? -1 : 1);
      affineColumnNorms(a).forEach((s, i) => expect(q.pixdim[i]).toBeCloseTo(s, 12));
      expect(maxAffineDifference(qformToAffine(q), a)).toBeLessThan(1e-9);
    }
  });

  it('covers the quaternion branches for 180° rotations (trace near −1)', () => {
    const flips = [
      [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0], // 180° about z
      [1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0], // 180° about x
      [-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1, 0], // 180° about y
    ];
    for (const rows of flips) {
      const a = Float64Array.from([...rows, 0, 0, 0, 1]);
      expect(maxAffineDifference(qformToAffine(affineToQform(a)), a)).toBeLessThan(1e-12);
    }
  });

  it('drops shear: the qform of a sheared affine is its nearest rotation', () => {
    const sheared = Float64Array.from([2, 0.3, 0, 5, 0, 2, 0, 6, 0, 0, 3, 7, 0, 0, 0, 1]);
    const q = qformToAffine(affineToQform(sheared));
    // Columns of the qform are orthogonal and keep the original column lengths.
    const col = (c: number) => [q[c], q[4 + c], q[8 + c]];
    const dot = (u: number[], v: number[]) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    expect(Math.abs(dot(col(0), col(1)))).toBeLessThan(1e-9);
    affineColumnNorms(q).forEach((s, i) => expect(s).toBeCloseTo(affineColumnNorms(sheared)[i], 9));
    const r = nearestOrthogonal([
      [1, 0.2, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const rrt = r.map((row) => r.map((other) => dot(row, other)));
    rrt.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 9)));
  });
});

describe('grid helpers on the real fixtures', () => {
  it('voxel volume, lesion volume in mL, and grid equality within float32 rounding', async () => {
    const [t2, lesion, dwi] = await Promise.all([
      readNifti(path.join(FIXTURES, 't2-chronic-lesion/T2.nii')),
      readNifti(path.join(FIXTURES, 't2-chronic-lesion/lesionT2.nii.gz')),
      readNifti(path.join(FIXTURES, 'isles22-case0001/sub-strokecase0001_ses-0001_dwi.nii.gz')),
    ]);
    expect(voxelVolumeMl(t2)).toBeCloseTo(0.001, 9);
    expect(voxelVolumeMl(dwi)).toBeCloseTo(0.008, 9);
    let voxels = 0;
    for (let i = 0; i < lesion.data.length; i++) voxels += lesion.data[i];
    expect((voxels * voxelVolumeMl(lesion)).toFixed(1)).toBe('37.9');
    // The T2 and its mask were saved by different tools: their srows differ by ~2e-7, the same grid.
    expect(maxAffineDifference(t2.affine, lesion.affine)).toBeGreaterThan(0);
    expect(isSameGrid(t2, lesion)).toBe(true);
    expect(isSameGrid(t2, dwi)).toBe(false);
    expect(isSameGrid(t2, { shape: [156, 175, 145], affine: t2.affine })).toBe(false);
  });
});
