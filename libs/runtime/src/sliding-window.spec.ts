import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gaussianProfile, windowStarts } from './gaussian';
import type { Tensor5D } from './input-shape';
import { InferenceModel } from './inference-model';
import { postprocess } from './postprocess';
import { slidingWindowInference, type PatchPredictor } from './sliding-window';
import { noiseImage } from './testing/batches';
import { writeLinearArtifacts } from './testing/linear-artifacts';

describe('windowStarts / gaussianProfile', () => {
  it('spreads windows evenly from 0 to flush with the end, overlapping by at least the requested fraction', () => {
    expect(windowStarts(64, 64, 0.5)).toEqual([0]);
    expect(windowStarts(40, 64, 0.5)).toEqual([0]);
    expect(windowStarts(128, 64, 0.5)).toEqual([0, 32, 64]);
    expect(windowStarts(100, 32, 0.5)).toEqual([0, 14, 27, 41, 54, 68]);
    expect(windowStarts(100, 32, 0)).toEqual([0, 23, 45, 68]);
  });

  it('peaks at 1 in the centre, is symmetric, and never reaches 0', () => {
    const profile = gaussianProfile(16);
    expect(Math.max(...profile)).toBeCloseTo(Math.exp(-0.25 / 8), 6); // centre 7.5 falls between two voxels
    for (let i = 0; i < 16; i++) expect(profile[i]).toBe(profile[15 - i]);
    expect(Math.min(...gaussianProfile(64, 1 / 64))).toBeGreaterThan(0);
  });
});

/** Predicts, for every voxel of window k, the constant k: exposes how windows are weighted and blended. */
class WindowIndexPredictor implements PatchPredictor {
  readonly manifest = { spatialMultiple: 1, config: { name: 'window-index', inChannels: 1 } };
  calls = 0;
  async infer(image: Tensor5D): Promise<Float32Array> {
    const [n, , d, h, w] = image.shape;
    const out = new Float32Array(n * d * h * w);
    for (let b = 0; b < n; b++) out.fill(this.calls++, b * d * h * w, (b + 1) * d * h * w);
    return out;
  }
}

describe('slidingWindowInference', () => {
  let dir: string;
  let model: InferenceModel;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-window-'));
    await writeLinearArtifacts(join(dir, 'linear'), { spatialMultiple: 4 });
    model = await InferenceModel.create(join(dir, 'linear'), { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await model.release();
    await rm(dir, { recursive: true, force: true });
  });

  /** The fixture model is per voxel: prob = sigmoid(w · x + b), so every window must reproduce it exactly in place. */
  function expectedProbabilities(image: Tensor5D): Float32Array {
    const [n, c, d, h, w] = image.shape;
    const voxels = d * h * w;
    const out = new Float32Array(n * voxels);
    for (let s = 0; s < n; s++) {
      for (let v = 0; v < voxels; v++) {
        const z = 0.1 * image.data[s * c * voxels + v] - 0.2 * image.data[(s * c + 1) * voxels + v];
        out[s * voxels + v] = 1 / (1 + Math.exp(-z));
      }
    }
    return out;
  }

  it('returns the volume shape for a size off the multiple, each voxel from its own place (with and without flip TTA)', async () => {
    const image = noiseImage([2, 2, 7, 13, 10], 5);
    const expected = expectedProbabilities(image);
    for (const tta of [false, true]) {
      const prob = await slidingWindowInference(model, image, { window: [6, 8, 8], overlap: 0.5, tta, batchSize: 3 });
      expect(prob).toHaveLength(2 * 7 * 13 * 10);
      let worst = 0;
      for (let i = 0; i < prob.length; i++) worst = Math.max(worst, Math.abs(prob[i] - expected[i]));
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it('equals a single full-volume pass when the window covers the volume', async () => {
    const image = noiseImage([1, 2, 8, 12, 16], 9);
    const full = await model.infer(image);
    const windowed = await slidingWindowInference(model, image, { window: [8, 12, 16] });
    expect(Array.from(windowed).every((p, i) => Math.abs(p - full[i]) < 1e-7)).toBe(true);
  });

  it('blends overlapping windows with Gaussian weights', async () => {
    const predictor = new WindowIndexPredictor();
    const image = { data: new Float32Array(24), shape: [1, 1, 1, 1, 24] };
    const prob = await slidingWindowInference(predictor, image, { window: [1, 1, 16], overlap: 0.5 });
    expect(predictor.calls).toBe(2); // starts 0 and 8
    const g = gaussianProfile(16);
    const gz = gaussianProfile(1)[0] ** 2; // depth and height profiles of a 1-voxel window
    for (const x of [0, 7, 8, 12, 15, 16, 23]) {
      const w0 = x < 16 ? gz * g[x] : 0;
      const w1 = x >= 8 ? gz * g[x - 8] : 0;
      expect(prob[x]).toBeCloseTo((0 * w0 + 1 * w1) / (w0 + w1), 5);
    }
    expect(prob[11] + prob[12]).toBeCloseTo(1, 6); // mirror images about 11.5, halfway between the centres 7.5 and 15.5
  });

  it('rejects a channel count the model does not take and a bad overlap', async () => {
    await expect(slidingWindowInference(model, noiseImage([1, 3, 4, 4, 4]), { window: 4 })).rejects.toThrow(
      /expects \[N, 2, D, H, W\]/,
    );
    await expect(slidingWindowInference(model, noiseImage([1, 2, 4, 4, 4]), { window: 4, overlap: 1 })).rejects.toThrow(
      /overlap must be in \[0, 1\)/,
    );
  });
});

describe('postprocess', () => {
  it('thresholds and removes components smaller than the minimum (26-connectivity)', () => {
    const shape: [number, number, number] = [6, 4, 3];
    const prob = new Float32Array(72);
    const at = (x: number, y: number, z: number) => x + 6 * (y + 4 * z);
    for (const [x, y, z] of [
      [0, 0, 0],
      [1, 1, 1],
      [2, 2, 1],
    ])
      prob[at(x, y, z)] = 0.9; // diagonal chain: one lesion of 3
    prob[at(5, 3, 2)] = 0.8; // a one-voxel speck
    prob[at(5, 0, 0)] = 0.5; // not above the threshold
    expect(postprocess(prob, shape).reduce((a, b) => a + b, 0)).toBe(4);
    const cleaned = postprocess(prob, shape, { threshold: 0.5, minComponentVoxels: 2 });
    expect(cleaned.reduce((a, b) => a + b, 0)).toBe(3);
    expect(cleaned[at(5, 3, 2)]).toBe(0);
    expect(() => postprocess(prob, [6, 4, 2])).toThrow(/72 voxels, shape \[6, 4, 2\] needs 48/);
  });
});
