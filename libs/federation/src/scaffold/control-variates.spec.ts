import { AggregationError } from '../federation.errors';
import {
  controlDeltaProblem,
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
    expect(controlDeltaProblem(undefined, 2)).toMatch(/must carry its control-variate delta/);
    expect(controlDeltaProblem(f32([1]), 2)).toMatch(/has 1 values, expected 2/);
    expect(controlDeltaProblem(f32([1, NaN]), 2)).toMatch(/value #1 is NaN/);
    expect(controlDeltaProblem(f32([1, 2]), 2)).toBeNull();
  });
});
