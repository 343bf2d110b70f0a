/**
 * Gradient checks in the style of JAX's public_test_util: run an emitted forward+backward ONNX graph in a real
 * onnxruntime-node session, then compare (1) its forward output with a float64 reference and (2) its vector-Jacobian
 * product Jᵀv with a central finite difference of the float64 reference in a random direction u, through the
 * inner-product identity ⟨v, J u⟩ = ⟨Jᵀ v, u⟩. Test-only: it does I/O through ONNX Runtime.
 */
import * as ort from 'onnxruntime-node';
import { Random } from '@fedstroke/common';
import { Autodiff } from '../autodiff';
import { Lowering } from '../lowering';
import { Tensor } from '../tensor';
import { Array64 } from './reference-ops';

/** Seeded normal samples, rounded to float32 so the float32 graph and the float64 reference see equal inputs. */
export function randomNormal(count: number, seed: number, scale = 1): Float64Array {
  const random = new Random(seed);
  return Float64Array.from({ length: count }, () => Math.fround(scale * random.normal()));
}

export interface CheckInput {
  name: string;
  shape: number[];
  /** Float32-representable values (see randomNormal). */
  data: Float64Array;
  requiresGrad: boolean;
}

export interface GradientCase {
  inputs: CheckInput[];
  /** How provider-dependent ops are emitted (default: the CPU lowering). */
  lowering?: Lowering;
  build(ad: Autodiff, inputs: Tensor[]): Tensor;
  reference(inputs: Array64[]): Array64;
}

export interface InputCheck {
  name: string;
  /** ⟨v, J u⟩ by central differences on the float64 reference. */
  finiteDifference: number;
  /** ⟨Jᵀ v, u⟩ from the ONNX backward graph. */
  backward: number;
  relativeError: number;
}

export interface GradientCheckResult {
  /** max |y_ort − y_ref| / max(1, max |y_ref|). */
  forwardError: number;
  inputs: InputCheck[];
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export async function runModel(
  bytes: Uint8Array,
  feeds: Record<string, { shape: number[]; data: ArrayLike<number> }>,
): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  try {
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([name, { shape, data }]) => [
        name,
        new ort.Tensor('float32', Float32Array.from(data), shape),
      ]),
    );
    const results = await session.run(tensors);
    return Object.fromEntries(Object.entries(results).map(([name, t]) => [name, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}

export async function checkGradients(testCase: GradientCase, seed = 1, epsilon = 1e-6): Promise<GradientCheckResult> {
  const arrays: Array64[] = testCase.inputs.map((i) => ({ data: i.data, shape: i.shape }));
  const reference = testCase.reference(arrays);

  const ad = new Autodiff(undefined, testCase.lowering);
  const tensors = testCase.inputs.map((i) => ad.input(i.name, i.shape, { requiresGrad: i.requiresGrad }));
  const y = testCase.build(ad, tensors);
  const isScalar = y.shape.length === 0;
  const seedGrad = isScalar ? undefined : ad.input('seed', reference.shape);
  const v = isScalar ? Float64Array.of(1) : randomNormal(reference.data.length, seed + 1000);
  const differentiable = testCase.inputs.map((input, k) => ({ input, k })).filter(({ input }) => input.requiresGrad);
  const grads = ad.gradients(
    y,
    differentiable.map(({ k }) => tensors[k]),
    seedGrad,
  );
  ad.graph.output(y, 'check.output');
  grads.forEach((g, j) => ad.graph.output(g, `grad.${differentiable[j].input.name}`));

  const feeds: Record<string, { shape: number[]; data: ArrayLike<number> }> = Object.fromEntries(
    testCase.inputs.map((i) => [i.name, i]),
  );
  if (seedGrad) feeds.seed = { shape: reference.shape, data: v };
  const out = await runModel(ad.graph.toModel('gradient_check'), feeds);

  let maxDiff = 0;
  let maxRef = 1;
  reference.data.forEach((r, i) => {
    maxDiff = Math.max(maxDiff, Math.abs(r - out['check.output'][i]));
    maxRef = Math.max(maxRef, Math.abs(r));
  });

  const inputs = differentiable.map(({ input, k }, j) => {
    const u = randomNormal(input.data.length, seed + 17 * (j + 1));
    const shifted = (sign: number): Array64[] =>
      arrays.map((a, m) => (m === k ? { data: a.data.map((x, i) => x + sign * epsilon * u[i]), shape: a.shape } : a));
    const plus = testCase.reference(shifted(1)).data;
    const minus = testCase.reference(shifted(-1)).data;
    const finiteDifference = dot(
      v,
      plus.map((p, i) => (p - minus[i]) / (2 * epsilon)),
    );
    const backward = dot(out[`grad.${input.name}`], u);
    const relativeError =
      Math.abs(finiteDifference - backward) / Math.max(Math.abs(finiteDifference), Math.abs(backward), 1e-12);
    return { name: input.name, finiteDifference, backward, relativeError };
  });
  return { forwardError: maxDiff / maxRef, inputs };
}
