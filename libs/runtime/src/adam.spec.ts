import { Random } from '@fedstroke/common';
import { adamStep, createAdamState } from './adam';
import type { OptimizerSpec } from './manifest';

/** torch.optim.Adam / AdamW step, written out in float64 from the PyTorch documentation's algorithm. */
function referenceStep(
  p: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  t: number,
  c: OptimizerSpec,
  global?: Float64Array,
  mu = 0,
  correction?: Float64Array,
): void {
  for (let i = 0; i < p.length; i++) {
    let grad = g[i] + (global ? mu * (p[i] - global[i]) : 0);
    if (c.type === 'adamw') p[i] *= 1 - c.lr * c.weightDecay;
    else grad += c.weightDecay * p[i];
    m[i] = c.beta1 * m[i] + (1 - c.beta1) * grad;
    v[i] = c.beta2 * v[i] + (1 - c.beta2) * grad * grad;
    const mHat = m[i] / (1 - c.beta1 ** t);
    const vHat = v[i] / (1 - c.beta2 ** t);
    p[i] -= (c.lr * mHat) / (Math.sqrt(vHat) + c.eps) + (correction ? c.lr * correction[i] : 0);
  }
}

describe('adamStep', () => {
  const cases: Array<[string, OptimizerSpec, number]> = [
    ['adam', { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, 0],
    ['adam + L2 decay', { type: 'adam', lr: 3e-3, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05 }, 0],
    ['adamw', { type: 'adamw', lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 }, 0],
    ['adamw + FedProx', { type: 'adamw', lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 }, 0.3],
  ];

  it.each(cases)('%s matches a float64 reference over 25 steps with changing gradients', (_name, config, mu) => {
    const n = 1000;
    const random = new Random(7);
    const rand = (): number => random.range(-0.5, 0.5);
    const p64 = Float64Array.from({ length: n }, () => rand());
    const global64 = Float64Array.from({ length: n }, () => rand());
    const m64 = new Float64Array(n);
    const v64 = new Float64Array(n);
    const params = Float32Array.from(p64);
    const global = Float32Array.from(global64);
    const state = createAdamState(n);
    for (let t = 1; t <= 25; t++) {
      const g64 = Float64Array.from({ length: n }, () => rand() * 10 ** ((t % 5) - 3));
      referenceStep(p64, g64, m64, v64, t, config, mu ? global64 : undefined, mu);
      adamStep(params, Float32Array.from(g64), state, config, mu ? { global, mu } : undefined);
    }
    expect(state.step).toBe(25);
    let worst = 0;
    for (let i = 0; i < n; i++)
      worst = Math.max(worst, Math.abs(params[i] - p64[i]) / Math.max(1e-3, Math.abs(p64[i])));
    expect(worst).toBeLessThan(1e-5);
  });

  it('adds lr · s to the step for a SCAFFOLD correction s, and leaves the rest of Adam as it was', () => {
    const n = 500;
    const random = new Random(11);
    const rand = (): number => random.range(-0.5, 0.5);
    const config: OptimizerSpec = { type: 'adamw', lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
    const p64 = Float64Array.from({ length: n }, () => rand());
    const correction64 = Float64Array.from({ length: n }, () => rand() * 0.1);
    const m64 = new Float64Array(n);
    const v64 = new Float64Array(n);
    const params = Float32Array.from(p64);
    const correction = Float32Array.from(correction64);
    const state = createAdamState(n);
    for (let t = 1; t <= 10; t++) {
      const g64 = Float64Array.from({ length: n }, () => rand() * 0.01);
      referenceStep(p64, g64, m64, v64, t, config, undefined, 0, correction64);
      adamStep(params, Float32Array.from(g64), state, config, undefined, correction);
    }
    let worst = 0;
    for (let i = 0; i < n; i++)
      worst = Math.max(worst, Math.abs(params[i] - p64[i]) / Math.max(1e-3, Math.abs(p64[i])));
    expect(worst).toBeLessThan(1e-5);
    expect(() => adamStep(params, new Float32Array(n), state, config, undefined, new Float32Array(3))).toThrow(
      /different lengths/,
    );
  });

  it('moves each weight by about lr on the first step (bias correction), whatever the gradient scale', () => {
    const config: OptimizerSpec = { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
    const params = new Float32Array([1, 1, 1]);
    adamStep(params, Float32Array.from([1e-4, 1, -100]), createAdamState(3), config);
    expect(Array.from(params).map((p) => Number((1 - p).toFixed(5)))).toEqual([0.01, 0.01, -0.01]);
  });

  it('refuses buffers of different lengths', () => {
    const config: OptimizerSpec = { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
    expect(() => adamStep(new Float32Array(3), new Float32Array(2), createAdamState(3), config)).toThrow(RangeError);
  });
});
