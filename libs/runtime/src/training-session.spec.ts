import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLinearArtifacts } from './testing/linear-artifacts';
import { dice, noiseImage, separableLabel, sliceBatch } from './testing/batches';
import { TrainingSession } from './training-session';
import { adamStep, createAdamState } from './adam';
import type { Tensor5D } from './input-shape';

/** Float64 loss and gradient of the fixture model (mean BCE-with-logits of a 1×1×1 conv), straight from the maths. */
function reference(params: Float32Array, image: Tensor5D, label: Tensor5D): { loss: number; grad: number[] } {
  const [n, c, d, h, w] = image.shape;
  const voxels = d * h * w;
  const count = n * voxels;
  const grad = new Array<number>(c + 1).fill(0);
  let loss = 0;
  for (let s = 0; s < n; s++) {
    for (let v = 0; v < voxels; v++) {
      let z = params[c];
      for (let k = 0; k < c; k++) z += params[k] * image.data[(s * c + k) * voxels + v];
      const y = label.data[s * voxels + v];
      loss += (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - z * y) / count;
      const dz = (1 / (1 + Math.exp(-z)) - y) / count;
      for (let k = 0; k < c; k++) grad[k] += dz * image.data[(s * c + k) * voxels + v];
      grad[c] += dz;
    }
  }
  return { loss, grad };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number) =>
  Array.from(a).every((x, i) => Math.abs(x - b[i]) <= tolerance * Math.max(1, Math.abs(b[i])));

describe('TrainingSession (hand-built ONNX fixture)', () => {
  let dir: string;
  let artifacts: string;
  const image = noiseImage([4, 2, 4, 8, 8], 3);
  const label = separableLabel(image);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-session-'));
    artifacts = join(dir, 'linear');
    await writeLinearArtifacts(artifacts);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('computes the loss and the gradients of the model, in manifest order', async () => {
    const session = await TrainingSession.create(artifacts, { intraOpNumThreads: 1 });
    expect(session.provider).toBe('cpu');
    expect(session.getParametersSize()).toBe(3);
    const expected = reference(session.getContiguousParameters(), image, label);
    const loss = await session.trainStep(image, label);
    expect(loss).toBeCloseTo(expected.loss, 6);
    expect(close(session.getContiguousGradients(), expected.grad, 1e-5)).toBe(true);
    await session.release();
  });

  it('gives the same gradients through pre-allocated outputs and through copied outputs', async () => {
    const direct = await TrainingSession.create(artifacts, { preallocatedOutputs: true });
    const copied = await TrainingSession.create(artifacts, { preallocatedOutputs: false });
    for (const session of [direct, copied]) {
      await session.trainStep(sliceBatch(image, 0, 2), sliceBatch(label, 0, 2));
      await session.trainStep(sliceBatch(image, 2, 4), sliceBatch(label, 2, 4));
    }
    expect(Array.from(direct.getContiguousGradients())).toEqual(Array.from(copied.getContiguousGradients()));
    await Promise.all([direct.release(), copied.release()]);
  });

  it('accumulates gradients across trainStep calls until lazyResetGrad: two halves sum to twice the whole batch', async () => {
    const session = await TrainingSession.create(artifacts);
    await session.trainStep(image, label);
    const whole = session.getContiguousGradients();
    session.lazyResetGrad();
    await session.trainStep(sliceBatch(image, 0, 2), sliceBatch(label, 0, 2));
    await session.trainStep(sliceBatch(image, 2, 4), sliceBatch(label, 2, 4));
    const summed = session.getContiguousGradients();
    expect(
      close(
        summed,
        Array.from(whole, (g) => 2 * g),
        1e-5,
      ),
    ).toBe(true);
    session.lazyResetGrad();
    await session.trainStep(image, label);
    expect(close(session.getContiguousGradients(), whole, 1e-6)).toBe(true);
    await session.release();
  });

  it('learns: loss falls and Dice on the training set rises above 0.9', async () => {
    const session = await TrainingSession.create(artifacts, { optimizer: { lr: 0.1 } });
    const first = await session.trainStep(image, label);
    let last = first;
    for (let step = 0; step < 60; step++) {
      session.optimizerStep();
      session.lazyResetGrad();
      last = await session.trainStep(image, label);
    }
    expect(last).toBeLessThan(first / 2);
    const { loss, prob } = await session.evalStep(image, label);
    expect(loss).toBeCloseTo(last, 5); // same weights: eval loss equals the last train loss
    expect(dice(prob, label.data)).toBeGreaterThan(0.9);
    expect(Array.from(await session.infer(image))).toEqual(Array.from(prob));
    await session.release();
  });

  it('applies the FedProx term μ(w − w_global) in the optimizer step, and drops it on setProximal(null)', async () => {
    const session = await TrainingSession.create(artifacts);
    const w0 = session.getContiguousParameters();
    const global = Float32Array.from([1, -1, 0.5]);
    session.setProximal(global, 0.5);
    await session.trainStep(image, label);
    const gradient = session.getContiguousGradients();
    session.optimizerStep();
    // Independent expectation: Adam on (g + μ(w − w_global)), the FedProx gradient written out by hand.
    const expected = w0.slice();
    const proxGradient = gradient.map((g, i) => g + 0.5 * (w0[i] - global[i]));
    adamStep(expected, proxGradient, createAdamState(3), session.manifest.optimizer);
    expect(close(session.getContiguousParameters(), expected, 1e-6)).toBe(true);

    session.setProximal(null);
    const w1 = session.getContiguousParameters();
    const state = { m: new Float32Array(3), v: new Float32Array(3), step: 0 };
    adamStep(w0.slice(), proxGradient, state, session.manifest.optimizer); // replay step 1 to get the moments
    session.lazyResetGrad();
    await session.trainStep(image, label);
    const g1 = session.getContiguousGradients();
    session.optimizerStep();
    adamStep(w1, g1, state, session.manifest.optimizer);
    expect(close(session.getContiguousParameters(), w1, 1e-6)).toBe(true);
    expect(() => session.setProximal(new Float32Array(2), 0.1)).toThrow(/FedProx global weights hold 2 values/);
    await session.release();
  });

  it('moves the step by lr · s with a SCAFFOLD step correction s, and refuses a correction of another length', async () => {
    const session = await TrainingSession.create(artifacts);
    const w0 = session.getContiguousParameters();
    const correction = Float32Array.from([0.3, -0.2, 0.1]);
    session.setStepCorrection(correction);
    correction.fill(0); // the session keeps its own copy
    await session.trainStep(image, label);
    const gradient = session.getContiguousGradients();
    session.optimizerStep();
    const plain = w0.slice();
    adamStep(plain, gradient, createAdamState(3), session.manifest.optimizer);
    const lr = session.getLearningRate();
    const expected = plain.map((w, i) => w - lr * [0.3, -0.2, 0.1][i]);
    expect(close(session.getContiguousParameters(), expected, 1e-6)).toBe(true);
    expect(() => session.setStepCorrection(new Float32Array(2))).toThrow(/step correction holds 2 values/);
    expect(() => session.setStepCorrection(Float32Array.from([0, NaN, 0]))).toThrow(/value #1 is NaN/);
    await session.release();
  });

  it('round-trips parameters and resumes from a checkpoint with optimizer state, step for step', async () => {
    const a = await TrainingSession.create(artifacts);
    for (let step = 0; step < 3; step++) {
      a.lazyResetGrad();
      await a.trainStep(image, label);
      a.optimizerStep();
    }
    const path = join(dir, 'resume.safetensors');
    await a.saveCheckpoint(path, { epoch: '3' });
    a.lazyResetGrad();
    await a.trainStep(image, label);
    a.optimizerStep();

    const b = await TrainingSession.create(artifacts, { checkpoint: path });
    expect(b.optimizerStepCount).toBe(3);
    await b.trainStep(image, label);
    b.optimizerStep();
    expect(Array.from(b.getContiguousParameters())).toEqual(Array.from(a.getContiguousParameters()));

    const c = await TrainingSession.create(artifacts);
    expect((await c.loadCheckpoint(path)).epoch).toBe('3');
    c.loadParametersBuffer(a.getContiguousParameters());
    expect(Array.from(c.getContiguousParameters())).toEqual(Array.from(a.getContiguousParameters()));
    await Promise.all([a.release(), b.release(), c.release()]);
  });

  it('changes the learning rate', async () => {
    const session = await TrainingSession.create(artifacts);
    session.setLearningRate(0);
    const before = session.getContiguousParameters();
    await session.trainStep(image, label);
    session.optimizerStep();
    expect(Array.from(session.getContiguousParameters())).toEqual(Array.from(before));
    expect(session.getLearningRate()).toBe(0);
    expect(() => session.setLearningRate(Number.NaN)).toThrow(/learning rate/);
    await session.release();
  });
});
