import { Random } from '@fedstroke/common';
import { createBatchBuffer } from './batch-buffer';
import { drawPatch, extractPatch, sampleBatch, validatePatchSize } from './patch-sampler';
import { caseDims, toTrainingCase, type TrainingCase } from './training-case';

/** A case whose voxel value encodes its own position and channel, so any patch can be checked against the source. */
function positionalCase(
  id: string,
  shape: [number, number, number],
  lesion: (x: number, y: number, z: number) => boolean,
): TrainingCase {
  const [nx, ny, nz] = shape;
  const channels = [0, 1].map((c) => {
    const data = new Float32Array(nx * ny * nz);
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) data[x + nx * (y + ny * z)] = 1 + x + 100 * y + 10000 * z + 1e6 * c;
    return data;
  });
  const mask = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) mask[x + nx * (y + ny * z)] = lesion(x, y, z) ? 1 : 0;
  return toTrainingCase({ id, channels, mask, shape });
}

describe('patch sampling', () => {
  const smallLesion = (x: number, y: number, z: number): boolean => x >= 20 && x < 23 && y >= 5 && y < 8 && z === 9;
  const cases = [positionalCase('a', [40, 30, 20], smallLesion), positionalCase('b', [33, 17, 24], (x) => x === 32)];

  it('centres about a third of the patches on a lesion voxel', () => {
    const rng = new Random(7);
    const draws = 6000;
    let foreground = 0;
    for (let i = 0; i < draws; i++) if (drawPatch(cases, [8, 8, 8], 1 / 3, rng).foreground) foreground++;
    // Binomial sd at n = 6000, p = 1/3 is about 0.006.
    expect(foreground / draws).toBeGreaterThan(0.31);
    expect(foreground / draws).toBeLessThan(0.356);
  });

  it('puts the lesion inside every foreground patch, while uniform patches mostly miss a small lesion', () => {
    const rng = new Random(3);
    const batch = createBatchBuffer(1, 2, [8, 8, 8]);
    let uniformWithLesion = 0;
    let uniform = 0;
    for (let i = 0; i < 500; i++) {
      const draw = drawPatch([cases[0]], batch.patch, 0.5, rng);
      extractPatch(cases[0], draw.origin, batch, 0);
      const lesionVoxels = batch.label.reduce((s, v) => s + v, 0);
      if (draw.foreground) expect(lesionVoxels).toBeGreaterThan(0);
      else {
        uniform++;
        if (lesionVoxels > 0) uniformWithLesion++;
      }
    }
    expect(uniformWithLesion / uniform).toBeLessThan(0.3);
  });

  it('copies exactly the source voxels of every channel and the label', () => {
    const rng = new Random(11);
    const batch = createBatchBuffer(3, 2, [8, 16, 8]);
    for (let round = 0; round < 20; round++) {
      const draws = sampleBatch(cases, batch, rng);
      draws.forEach((draw, sample) => {
        const c = cases[draw.caseIndex];
        const [d, h, w] = caseDims(c);
        const [pd, ph, pw] = batch.patch;
        const voxels = pd * ph * pw;
        const expected = [new Float32Array(voxels), new Float32Array(voxels), new Float32Array(voxels)];
        for (let z = 0; z < pd; z++)
          for (let y = 0; y < ph; y++)
            for (let x = 0; x < pw; x++) {
              const [sz, sy, sx] = [draw.origin[0] + z, draw.origin[1] + y, draw.origin[2] + x];
              if (sz < 0 || sz >= d || sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
              const p = (z * ph + y) * pw + x;
              const s = (sz * h + sy) * w + sx;
              expected[0][p] = c.channels[0][s];
              expected[1][p] = c.channels[1][s];
              expected[2][p] = c.label![s];
            }
        expect(batch.image.subarray(sample * 2 * voxels, (sample * 2 + 1) * voxels)).toEqual(expected[0]);
        expect(batch.image.subarray((sample * 2 + 1) * voxels, (sample * 2 + 2) * voxels)).toEqual(expected[1]);
        expect(batch.label.subarray(sample * voxels, (sample + 1) * voxels)).toEqual(expected[2]);
      });
    }
  });

  it('pads volumes smaller than the patch and keeps the whole volume inside it', () => {
    const tiny = positionalCase('tiny', [5, 6, 3], (x, y, z) => x === 2 && y === 3 && z === 1);
    const rng = new Random(5);
    const batch = createBatchBuffer(1, 2, [8, 8, 8]);
    for (let i = 0; i < 50; i++) {
      const [draw] = sampleBatch([tiny], batch, rng, 0.5);
      const channel0 = batch.image.subarray(0, 512);
      // Every source voxel appears exactly once; the rest is padding.
      const nonZero = channel0.filter((v) => v !== 0);
      expect(nonZero.length).toBe(5 * 6 * 3);
      expect(new Set(nonZero).size).toBe(5 * 6 * 3);
      expect(batch.label.reduce((s, v) => s + v, 0)).toBe(1);
      for (const axis of [0, 1, 2]) {
        expect(draw.origin[axis]).toBeLessThanOrEqual(0);
        expect(draw.origin[axis]).toBeGreaterThanOrEqual(caseDims(tiny)[axis] - 8);
      }
    }
  });

  it('rejects patch sizes that are not multiples of the spatial multiple', () => {
    expect(() => validatePatchSize([64, 64, 60], 8)).toThrow(/multiple of the network's spatial multiple 8/);
    expect(() => validatePatchSize([0, 8, 8], 8)).toThrow(/positive multiple/);
    expect(() => validatePatchSize([16, 32, 64], 8)).not.toThrow();
  });

  it('is reproducible for a given seed', () => {
    const run = (seed: number) => {
      const rng = new Random(seed);
      return Array.from({ length: 20 }, () => drawPatch(cases, [8, 8, 8], 1 / 3, rng));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });
});
