import { MetricsShapeMismatchError } from './errors';
import { dice, softDice } from './overlap';

describe('dice', () => {
  it("is 1 when both masks are empty (ISLES'22 empty_value) and 0 when only one is", () => {
    expect(dice(new Uint8Array(8), new Uint8Array(8))).toBe(1);
    expect(dice(Uint8Array.of(0, 1, 0), new Uint8Array(3))).toBe(0);
    expect(dice(new Uint8Array(3), Uint8Array.of(0, 1, 0))).toBe(0);
  });

  it('is 2|A∩B| / (|A|+|B|) on a hand-computed pair, symmetric, nonzero = foreground', () => {
    // A = {0,1,2}, B = {1,2,3,4}: overlap 2, sizes 3 + 4 → 4/7.
    const a = Float32Array.of(1, 1, 1, 0, 0, 0);
    const b = Float32Array.of(0, 2, 0.5, 1, 1, 0);
    expect(dice(a, b)).toBeCloseTo(4 / 7, 12);
    expect(dice(b, a)).toBeCloseTo(4 / 7, 12);
    expect(dice(a, a)).toBe(1);
  });

  it('rejects masks of different lengths, naming both sizes', () => {
    expect(() => dice(new Uint8Array(4), new Uint8Array(5))).toThrow(MetricsShapeMismatchError);
    expect(() => dice(new Uint8Array(4), new Uint8Array(5))).toThrow(
      'prediction has 4 voxels but ground truth has 5; both must cover the same grid',
    );
  });
});

describe('softDice', () => {
  it('is 2Σpg / (Σp + Σg) on probabilities', () => {
    // Σpg = 0.9 + 0.6 = 1.5, Σp = 0.9 + 0.6 + 0.2 = 1.7, Σg = 2 → 3 / 3.7.
    expect(softDice(Float32Array.of(0.9, 0.6, 0.2, 0), Uint8Array.of(1, 1, 0, 0))).toBeCloseTo(3 / 3.7, 6);
  });

  it('equals the hard Dice on binary input and is 1 when both are all zero', () => {
    const p = Uint8Array.of(1, 1, 0, 1, 0);
    const g = Uint8Array.of(0, 1, 1, 1, 0);
    expect(softDice(p, g)).toBeCloseTo(dice(p, g), 12);
    expect(softDice(new Float32Array(5), new Uint8Array(5))).toBe(1);
  });

  it('rejects inputs of different lengths', () => {
    expect(() => softDice(new Float32Array(2), new Uint8Array(3))).toThrow(MetricsShapeMismatchError);
  });
});
