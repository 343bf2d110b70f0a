/**
 * The WebGPU provider (its own lowering, onnx-models/<config>/webgpu) against the CPU provider (the CPU lowering), on
 * lavapipe in CI: loss, every gradient, the parameters after one AdamW step and sliding-window probabilities, for tiny
 * and bench at 16³ patches. Lavapipe is software Vulkan: these runs say nothing about speed.
 *
 * Tolerances (float32; the two lowerings sum in different orders, and a LeakyReLU input within rounding of 0 can take
 * the other slope, which the backward pass amplifies — see libs/unet/README.md):
 *   loss: 1e-6 relative; gradients: 1e-4 relative L2 over all parameters, 1e-3 per tensor (tensors with a zero CPU
 *   gradient must be exactly zero on WebGPU too); parameters after AdamW (lr 1e-3, weight decay 0.01): 1e-4 relative L2
 *   (Adam's first step is ±lr wherever |g| ≫ ε, so a gradient element of either sign near 0 moves by up to 2·lr);
 *   probabilities: 1e-5 absolute.
 */
import { resolve } from 'node:path';
import { InferenceModel } from './inference-model';
import { syntheticBatch } from './benchmark';
import { slidingWindowInference } from './sliding-window';
import { TrainingSession } from './training-session';

const models = resolve(__dirname, '../../../onnx-models');
jest.setTimeout(180_000);

const relativeL2 = (a: Float32Array, b: Float32Array): number => {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
};

interface Outcome {
  provider: string;
  loss: number;
  gradients: Float32Array;
  parameters: Float32Array;
  probabilities: Float32Array;
  layout: Array<{ name: string; offset: number; size: number }>;
}

async function run(config: string, provider: 'cpu' | 'webgpu', patch: number): Promise<Outcome> {
  const options = { provider, strict: true, intraOpNumThreads: 1 };
  const session = await TrainingSession.create(`${models}/${config}`, {
    ...options,
    optimizer: { lr: 1e-3, weightDecay: 0.01 },
  });
  try {
    const { image, label } = syntheticBatch(2, 3, [patch, patch, patch], 3);
    const loss = await session.trainStep(image, label);
    const gradients = session.getContiguousGradients();
    session.optimizerStep();
    const model = await InferenceModel.create(`${models}/${config}`, options);
    try {
      const volume = syntheticBatch(1, 3, [patch + 8, patch, patch + 4], 4).image;
      const probabilities = await slidingWindowInference(model, volume, { window: patch, overlap: 0.5 });
      return {
        provider: session.provider,
        loss,
        gradients,
        parameters: session.getContiguousParameters(),
        probabilities,
        layout: session.manifest.parameters,
      };
    } finally {
      await model.release();
    }
  } finally {
    await session.release();
  }
}

describe.each(['tiny', 'bench'])('WebGPU parity with the CPU provider (lavapipe), %s at 16³', (config) => {
  let cpu: Outcome;
  let webgpu: Outcome;
  beforeAll(async () => {
    cpu = await run(config, 'cpu', 16);
    webgpu = await run(config, 'webgpu', 16);
  });

  it('ran on WebGPU with no fallback', () => {
    expect(webgpu.provider).toBe('webgpu');
  });

  it('gives the same loss', () => {
    expect(Math.abs(webgpu.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-6);
  });

  it('gives every gradient', () => {
    expect(relativeL2(webgpu.gradients, cpu.gradients)).toBeLessThan(1e-4);
    const offTensors = cpu.layout.flatMap(({ name, offset, size }) => {
      const ours = webgpu.gradients.subarray(offset, offset + size);
      const reference = cpu.gradients.subarray(offset, offset + size);
      const zero = reference.every((v) => v === 0);
      const error = relativeL2(ours, reference);
      return (zero ? ours.some((v) => v !== 0) : error > 1e-3) ? [`${name}: ${error}`] : [];
    });
    expect(offTensors).toEqual([]);
  });

  it('gives the same parameters after an AdamW step', () => {
    expect(relativeL2(webgpu.parameters, cpu.parameters)).toBeLessThan(1e-4);
  });

  it('gives the same sliding-window probabilities', () => {
    let worst = 0;
    webgpu.probabilities.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - cpu.probabilities[i]))));
    expect(worst).toBeLessThan(1e-5);
    expect(webgpu.probabilities.length).toBe(24 * 16 * 20);
  });
});
