import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrainingSession } from '@fedstroke/runtime';
import { writeLinearArtifacts } from '@fedstroke/runtime/testing';
import { NO_AUGMENT } from './augment';
import type { TensorData, TrainableSession } from './session-contract';
import { blobCases } from './testing/blob-cases';
import { trainLocal } from './train-local';

/** The real session, with every per-case gradient and the gradient handed to the optimizer recorded. */
function recording(session: TrainingSession) {
  const perCase: Float32Array[] = [];
  const stepped: Array<{ cases: Float32Array[]; applied: Float32Array }> = [];
  const batchSizes: number[] = [];
  let current: Float32Array[] = [];
  const overrides: Partial<TrainableSession> = {
    trainStep: async (image: TensorData, label: TensorData) => {
      batchSizes.push(image.shape[0]);
      return session.trainStep(image as never, label as never);
    },
    getContiguousGradients: () => {
      const g = session.getContiguousGradients();
      perCase.push(g);
      current.push(g);
      return g;
    },
    loadGradientsBuffer: (buffer: Float32Array) => {
      stepped.push({ cases: current, applied: buffer.slice() });
      current = [];
      session.loadGradientsBuffer(buffer);
    },
  };
  // Everything else goes to the real session, with `this` the session itself.
  const spy = new Proxy(session, {
    get: (target, key) => {
      if (key in overrides) return overrides[key as keyof TrainableSession];
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as TrainableSession;
  return { spy, perCase, stepped, batchSizes };
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe('DP-SGD in the local training loop', () => {
  let dir: string;
  let artifacts: string;
  const train = blobCases(10, [12, 10, 9], 3);
  const base = {
    steps: 12,
    batchSize: 2,
    patchSize: [4, 4, 8] as [number, number, number],
    learningRate: 0.05,
    seed: 3,
    augment: NO_AUGMENT,
    progress: { silent: true },
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-dpsgd-'));
    artifacts = join(dir, 'linear');
    await writeLinearArtifacts(artifacts, { inChannels: 2, spatialMultiple: 4 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs each Poisson-sampled case alone and steps on (Σ clip(g_i) + noise)/B', async () => {
    const session = await TrainingSession.create(artifacts, { intraOpNumThreads: 1 });
    const { spy, stepped, batchSizes } = recording(session);
    const clipNorm = 1e-3; // far below the raw gradient norms: every case is clipped
    const dpSgd = { noiseMultiplier: 1e-9, clipNorm, expectedBatchSize: 4 };
    const result = await trainLocal(spy, { train }, { ...base, steps: 40, dpSgd });
    expect(result.stepsDone).toBe(40);
    expect(new Set(batchSizes)).toEqual(new Set([1])); // per-sample gradients: batches of one
    expect(stepped).toHaveLength(40);
    // Poisson sampling with q = 4/10: 40 steps draw 160 cases on average (sd ≈ 9.8).
    const drawn = stepped.reduce((s, step) => s + step.cases.length, 0);
    expect(Math.abs(drawn - 160)).toBeLessThan(5 * Math.sqrt(40 * 10 * 0.4 * 0.6));
    expect(result.samplesSeen).toBe(drawn);
    for (const step of stepped) {
      const expected = new Float64Array(step.applied.length);
      for (const g of step.cases) {
        const scale = Math.min(1, clipNorm / norm(g));
        for (let j = 0; j < g.length; j++) expected[j] += (scale * g[j]) / 4;
      }
      for (let j = 0; j < expected.length; j++) expect(step.applied[j]).toBeCloseTo(expected[j], 6);
      expect(norm(step.applied)).toBeLessThanOrEqual((step.cases.length * clipNorm) / 4 + 1e-7);
    }
  });

  it('adds N(0, (z·C)²)/B to every coordinate of every step', async () => {
    const session = await TrainingSession.create(artifacts, { intraOpNumThreads: 1 });
    const { spy, stepped } = recording(session);
    const dpSgd = { noiseMultiplier: 2, clipNorm: 1e-6, expectedBatchSize: 2 };
    await trainLocal(spy, { train }, { ...base, steps: 200, learningRate: 1e-4, dpSgd });
    // What each step applied less its clipped sum Σ clip(g_i)/B (as large as the noise here: at most B·C = 2e-6 in
    // norm over a handful of coordinates) is the noise alone, σ = z·C/B = 1e-6.
    const residuals = stepped.flatMap((step) => {
      const signal = new Float64Array(step.applied.length);
      for (const g of step.cases) {
        const scale = Math.min(1, dpSgd.clipNorm / norm(g));
        for (let j = 0; j < g.length; j++) signal[j] += (scale * g[j]) / dpSgd.expectedBatchSize;
      }
      return Array.from(step.applied, (v, j) => v - signal[j]);
    });
    const variance = residuals.reduce((a, r) => a + r * r, 0) / residuals.length;
    expect(Math.sqrt(variance)).toBeGreaterThan(0.8e-6);
    expect(Math.sqrt(variance)).toBeLessThan(1.25e-6);
  });

  it('refuses gradient accumulation and sites with fewer cases than the expected batch', async () => {
    const session = await TrainingSession.create(artifacts, { intraOpNumThreads: 1 });
    const dpSgd = { noiseMultiplier: 1, clipNorm: 1, expectedBatchSize: 20 };
    await expect(trainLocal(session, { train }, { ...base, dpSgd })).rejects.toThrow(
      /needs at least expectedBatchSize = 20 training cases, the site has 10/,
    );
    await expect(
      trainLocal(session, { train }, { ...base, gradientAccumulation: 2, dpSgd: { ...dpSgd, expectedBatchSize: 2 } }),
    ).rejects.toThrow(/gradient accumulation must be 1/);
  });
});
