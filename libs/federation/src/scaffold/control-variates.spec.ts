import { AggregationError } from '../federation.errors';
import {
  controlDeltaProblem,
  SCAFFOLD_CONTROL_DELTA_BOUND,
  scaffoldControlDeltaBound,
  scaffoldCorrection,
  scaffoldServerControl,
  scaffoldSiteControl,
} from './control-variates';

const f32 = (values: number[]) => Float32Array.from(values);
const close = (actual: Float32Array, expected: number[]) =>
  expected.forEach((value, j) => expect(actual[j]).toBeCloseTo(value, 6));

describe('SCAFFOLD at a site', () => {
  // f_i(w) = ½‖w − b‖², ∇f_i(w) = w − b; two SGD steps at η = 0.1 with the correction c − c_i, worked out by hand:
  //   c − c_i = [−0.2, −0.2]; d0 = ∇f(0) + (c − c_i) = [−1.2, −2.2] → y1 = [0.12, 0.22]
  //   d1 = ∇f(y1) + (c − c_i) = [−1.08, −1.98] → y2 = [0.228, 0.418]
  //   option II: c_i⁺ = c_i − c + (x − y)/(Kη) = [0.2, 0.2] + [−1.14, −2.09] = [−0.94, −1.89]
  //   which is the mean of the uncorrected gradients ([−1, −2] + [−0.88, −1.78]) / 2.
  const x = f32([0, 0]);
  const c = f32([0.1, -0.2]);
  const ci = f32([0.3, 0]);
  const b = [1, 2];

  it('corrects each step by c − c_i', () => {
    close(scaffoldCorrection(c, ci), [-0.2, -0.2]);
  });

  it('option II from the model displacement equals the hand-computed c_i⁺ and Δc_i', () => {
    const correction = scaffoldCorrection(c, ci);
    const y = Float32Array.from(x);
    for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) y[j] -= 0.1 * (y[j] - b[j] + correction[j]);
    close(y, [0.228, 0.418]);
    const { next, delta } = scaffoldSiteControl({
      global: x,
      local: y,
      serverControl: c,
      siteControl: ci,
      stepSizeSum: 0.2,
    });
    close(next, [-0.94, -1.89]);
    close(delta, [-1.24, -1.89]);
  });

  it('refuses a round without steps and buffers of other lengths', () => {
    const input = { global: x, local: x, serverControl: c, siteControl: ci };
    expect(() => scaffoldSiteControl({ ...input, stepSizeSum: 0 })).toThrow(/step sizes must be a finite number > 0/);
    expect(() => scaffoldSiteControl({ ...input, local: f32([1]), stepSizeSum: 1 })).toThrow(AggregationError);
    expect(() => scaffoldCorrection(c, f32([1, 2, 3]))).toThrow(/c_i has 3 values, expected 2/);
  });
});

describe('SCAFFOLD at the server', () => {
  it('moves c by (1/N) Σ Δc_i, with N the federation size even when a site is missing', () => {
    // c + ([−1.24, −1.89] + [0.5, 0.3]) / 3 = [0.1 − 0.74/3, −0.2 − 1.59/3]
    const next = scaffoldServerControl(f32([0.1, -0.2]), [f32([-1.24, -1.89]), f32([0.5, 0.3])], 3);
    close(next, [0.1 - 0.74 / 3, -0.2 - 1.59 / 3]);
  });

  it('never mutates its inputs and refuses N below the round size', () => {
    const control = f32([1, 2]);
    const delta = f32([3, 4]);
    scaffoldServerControl(control, [delta], 1);
    expect(Array.from(control)).toEqual([1, 2]);
    expect(Array.from(delta)).toEqual([3, 4]);
    expect(() => scaffoldServerControl(control, [delta, delta], 1)).toThrow(/totalSites \(N\) must be/);
    expect(() => scaffoldServerControl(control, [f32([1])], 2)).toThrow(/delta #1 has 1 parameters, expected 2/);
  });

  it('names a missing, short or non-finite delta', () => {
    expect(controlDeltaProblem(undefined, 2)?.message).toMatch(/must carry its control-variate delta/);
    expect(controlDeltaProblem(f32([1]), 2)).toEqual({
      code: 'LENGTH_MISMATCH',
      message: expect.stringMatching(/has 1 values, expected 2/),
    });
    expect(controlDeltaProblem(f32([1, NaN]), 2)).toEqual({
      code: 'NON_FINITE',
      message: expect.stringMatching(/value #1 is NaN/),
    });
    expect(controlDeltaProblem(f32([1, 2]), 2)).toBeNull();
  });
});

describe('the Δc_i bound', () => {
  it("is 2 × the limit of Adam's step direction, about 14.5 for β = (0.9, 0.999)", () => {
    // (1 − 0.9)/√0.001 · 1/√(1 − 0.81/0.999) = 3.1623 × 2.2989 = 7.2698.
    expect(SCAFFOLD_CONTROL_DELTA_BOUND).toBeCloseTo(14.5406, 3);
    expect(scaffoldControlDeltaBound({ beta1: 0, beta2: 0.5 })).toBeCloseTo(2 * Math.SQRT2, 12);
    expect(() => scaffoldControlDeltaBound({ beta1: 0.99, beta2: 0.9 })).toThrow(/β1² < β2/);
  });

  it('holds for option II after Adam steps on wild gradients, corrected by c − c_i, at any learning rate', () => {
    // Bias-corrected Adam directions for gradients that flip sign from round to round (so c_i⁺ and c_i lie on
    // opposite sides) and once jump over 8 orders of magnitude (the worst case of the direction bound is a run of
    // small gradients followed by a large one), at two learning-rate scales.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const n = 64;
    for (const lr of [1e-4, 10]) {
      let siteControl: Float32Array<ArrayBufferLike> = new Float32Array(n);
      let serverControl: Float32Array<ArrayBufferLike> = new Float32Array(n).fill(0.5);
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      let step = 0;
      let largest = 0;
      for (let round = 0; round < 12; round++) {
        const x = Float32Array.from({ length: n }, () => random());
        const y = Float32Array.from(x);
        const correction = scaffoldCorrection(serverControl, siteControl);
        let stepSizeSum = 0;
        for (let k = 0; k < 40; k++) {
          step += 1;
          const rate = lr * (1 - k / 80);
          for (let j = 0; j < n; j++) {
            const scale = round === 5 && k < 39 ? 1e-4 : round === 5 ? 1e4 : 1;
            const g = (round % 2 ? -1 : 1) * scale * (1 + 0.2 * random());
            m[j] = 0.9 * m[j] + 0.1 * g;
            v[j] = 0.999 * v[j] + 0.001 * g * g;
            const direction = m[j] / (1 - 0.9 ** step) / (Math.sqrt(v[j] / (1 - 0.999 ** step)) + 1e-8);
            y[j] -= rate * (direction + correction[j]);
          }
          stepSizeSum += rate;
        }
        const control = scaffoldSiteControl({ global: x, local: y, serverControl, siteControl, stepSizeSum });
        expect(controlDeltaProblem(control.delta, n)).toBeNull();
        largest = Math.max(largest, ...Array.from(control.delta, Math.abs));
        siteControl = control.next;
        serverControl = scaffoldServerControl(serverControl, [control.delta], 2);
      }
      // The run does reach beyond what one direction alone can (|d| ≤ 1 at a steady gradient): the check has teeth.
      expect(largest).toBeGreaterThan(1.2);
    }
  });

  it('refuses a delta beyond it, naming the value and why', () => {
    const problem = controlDeltaProblem(f32([0.5, -15, 3]), 3);
    expect(problem).toEqual({
      code: 'NORM_EXCEEDED',
      message: expect.stringMatching(/value #1 is -15, beyond ±14\.54/),
    });
    expect(controlDeltaProblem(f32([0.5, -15, 3]), 3, 20)).toBeNull();
  });
});
