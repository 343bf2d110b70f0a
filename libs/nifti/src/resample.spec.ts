import * as path from 'node:path';
import { affineInverse, applyAffine, multiplyAffines } from './affine';
import { voxelVolumeMl } from './grid';
import { readNifti } from './read';
import { fieldOfViewOverlap, gridForSpacing, resampleToGrid, resampleToSpacing, type TargetGrid } from './resample';
import type { Affine, Vec3, Volume } from './volume';

const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures');
const DWI = path.join(FIXTURES, 'isles22-case0001/sub-strokecase0001_ses-0001_dwi.nii.gz');
const LESION = path.join(FIXTURES, 't2-chronic-lesion/lesionT2.nii.gz');

function lesionMl(mask: Volume): number {
  let count = 0;
  for (let i = 0; i < mask.data.length; i++) count += mask.data[i];
  return count * voxelVolumeMl(mask);
}

function dice(a: Volume, b: Volume): number {
  let both = 0;
  let total = 0;
  for (let i = 0; i < a.data.length; i++) {
    both += a.data[i] * b.data[i];
    total += a.data[i] + b.data[i];
  }
  return (2 * both) / total;
}

/** A rotation (degrees about z, then about x) with the given spacings and centre, as a grid affine. */
function obliqueGrid(shape: Vec3, spacing: Vec3, aboutZ: number, aboutX: number, centre: Vec3): TargetGrid {
  const [cz, sz, cx, sx] = [Math.cos, Math.sin, Math.cos, Math.sin].map((f, i) =>
    f(((i < 2 ? aboutZ : aboutX) * Math.PI) / 180),
  );
  const r = [
    [cz, -sz * cx, sz * sx],
    [sz, cz * cx, -cz * sx],
    [0, sx, cx],
  ];
  const affine: Affine = new Float64Array(16);
  affine[15] = 1;
  for (let row = 0; row < 3; row++) for (let c = 0; c < 3; c++) affine[row * 4 + c] = r[row][c] * spacing[c];
  const middle = applyAffine(affine, shape.map((n) => (n - 1) / 2) as Vec3);
  for (let row = 0; row < 3; row++) affine[row * 4 + 3] = centre[row] - middle[row];
  return { shape, affine };
}

function centreOf(volume: Pick<Volume, 'shape' | 'affine'>): Vec3 {
  return applyAffine(volume.affine, volume.shape.map((n) => (n - 1) / 2) as Vec3);
}

describe('resampleToGrid', () => {
  let lesion: Volume;
  let dwi: Volume;
  beforeAll(async () => {
    [lesion, dwi] = await Promise.all([readNifti(LESION), readNifti(DWI)]);
  });

  it('is the identity on the same grid, for both modes', () => {
    for (const mode of ['linear', 'nearest'] as const) {
      const same = resampleToGrid(dwi, dwi, mode);
      expect(same.coverage).toBe(1);
      // Value equality (===): the real DWI holds some −0 voxels, which trilinear arithmetic turns into +0.
      expect(same.data.every((v, i) => v === dwi.data[i])).toBe(true);
    }
  });

  it('is exact for a linear ramp (trilinear reproduces linear functions) on an oblique FLAIR-like grid', () => {
    // Moving: 64x64x12 at 0.45x0.45x5 mm, tilted; values f = 2i + 3j − 7k + 5 in its own voxel coordinates.
    const moving = obliqueGrid([64, 64, 12], [0.45, 0.45, 5], 12, -8, [0, 0, 0]);
    const f = (i: number, j: number, k: number) => 2 * i + 3 * j - 7 * k + 5;
    const data = new Float32Array(64 * 64 * 12);
    for (let k = 0, o = 0; k < 12; k++)
      for (let j = 0; j < 64; j++) for (let i = 0; i < 64; i++) data[o++] = f(i, j, k);
    const image: Volume = { data, shape: moving.shape, spacing: [0.45, 0.45, 5], affine: moving.affine };
    // Target: 2 mm, rotated differently and larger than the moving slab, so some voxels fall outside.
    const target = obliqueGrid([20, 20, 40], [2, 2, 2], -25, 30, [1, -2, 3]);
    const out = resampleToGrid(image, target, 'linear', { fill: -1000 });

    const toMoving = multiplyAffines(affineInverse(moving.affine), target.affine);
    const clamp = (x: number, n: number) => Math.min(n - 1, Math.max(0, x));
    let inside = 0;
    let worst = 0;
    for (let k = 0, o = 0; k < 40; k++) {
      for (let j = 0; j < 20; j++) {
        for (let i = 0; i < 20; i++, o++) {
          const [x, y, z] = applyAffine(toMoving, [i, j, k]);
          const within = [x, y, z].every((c, a) => c >= -0.5 && c <= moving.shape[a] - 0.5);
          if (!within) {
            expect(out.data[o]).toBe(-1000);
            continue;
          }
          inside++;
          worst = Math.max(worst, Math.abs(out.data[o] - f(clamp(x, 64), clamp(y, 64), clamp(z, 12))));
        }
      }
    }
    expect(inside).toBeGreaterThan(100);
    expect(inside).toBeLessThan(16000);
    expect(out.coverage).toBeCloseTo(inside / 16000, 10);
    expect(fieldOfViewOverlap(image, target)).toBe(out.coverage);
    expect(worst).toBeLessThan(1e-3); // float32 arithmetic on values up to ~300
  });

  it('nearest keeps only the labels that exist (no blending of masks)', () => {
    const target = obliqueGrid([60, 60, 40], [2.5, 2.5, 2.5], 15, 5, centreOf(lesion));
    const out = resampleToGrid(lesion, target, 'nearest');
    expect(new Set(out.data)).toEqual(new Set([0, 1]));
  });

  // The T2 lesion is 37.855 mL. Nearest-neighbour resampling of a large, compact lesion should keep its volume
  // within 2% (measured: +0.4% at 2 mm, −0.4% on the oblique grid) and its shape (Dice > 0.9 after the round trip).
  const TOLERANCE = 0.02;

  it('keeps the T2 lesion volume onto a 2 mm grid and back', () => {
    const original = lesionMl(lesion);
    expect(original).toBeCloseTo(37.855, 2);
    const coarse = resampleToSpacing(lesion, [2, 2, 2], 'nearest');
    expect(coarse.spacing.map((s) => +s.toFixed(6))).toEqual([2, 2, 2]);
    expect(coarse.coverage).toBe(1);
    expect(Math.abs(lesionMl(coarse) / original - 1)).toBeLessThan(TOLERANCE);
    const back = resampleToGrid(coarse, lesion, 'nearest');
    expect(Math.abs(lesionMl(back) / original - 1)).toBeLessThan(TOLERANCE);
    expect(dice(back, lesion)).toBeGreaterThan(0.9);
  });

  it('keeps the T2 lesion volume onto a rotated, anisotropic grid and back', () => {
    const original = lesionMl(lesion);
    const target = obliqueGrid([130, 170, 60], [1.5, 1.2, 3], 20, 10, centreOf(lesion));
    const rotated = resampleToGrid(lesion, target, 'nearest');
    expect(Math.abs(lesionMl(rotated) / original - 1)).toBeLessThan(TOLERANCE);
    // Trilinear keeps the total even closer (it conserves mass on a finer-than-Nyquist grid).
    expect(Math.abs(lesionMl(resampleToGrid(lesion, target, 'linear')) / original - 1)).toBeLessThan(0.005);
    const back = resampleToGrid(rotated, lesion, 'nearest');
    expect(Math.abs(lesionMl(back) / original - 1)).toBeLessThan(TOLERANCE);
    expect(dice(back, lesion)).toBeGreaterThan(0.9);
  });

  it('reports field-of-view overlap and fills outside it', () => {
    const shifted = (dx: number): TargetGrid => {
      const affine = Float64Array.from(dwi.affine);
      for (let r = 0; r < 3; r++) affine[r * 4 + 3] += affine[r * 4] * dx; // shift along the i axis by dx voxels
      return { shape: dwi.shape, affine };
    };
    expect(fieldOfViewOverlap(dwi, shifted(56))).toBeCloseTo(0.5, 10);
    const away = resampleToGrid(dwi, shifted(500), 'linear', { fill: -5 });
    expect(away.coverage).toBe(0);
    expect(away.data.every((v) => v === -5)).toBe(true);
  });
});

describe('resampleToSpacing / gridForSpacing', () => {
  it('builds a grid over the same extent, centred, with the same directions', async () => {
    const dwi = await readNifti(DWI);
    const grid = gridForSpacing(dwi, [4, 4, 3]);
    // 112 x 2 / 4 = 56; 73 x 2 / 3 = 48.67 → 49.
    expect(grid.shape).toEqual([56, 56, 49]);
    const centre = centreOf(grid);
    centreOf(dwi).forEach((c, i) => expect(centre[i]).toBeCloseTo(c, 6));
    const coarse = resampleToSpacing(dwi, [4, 4, 3], 'linear');
    expect(coarse.spacing.map((s) => +s.toFixed(6))).toEqual([4, 4, 3]);
    // Direction cosines unchanged: each column is the old column rescaled.
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 3; r++) {
        expect(coarse.affine[r * 4 + c] / coarse.spacing[c]).toBeCloseTo(dwi.affine[r * 4 + c] / dwi.spacing[c], 9);
      }
    }
  });
});
