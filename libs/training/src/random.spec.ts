import { Random } from './random';

describe('Random', () => {
  it('resumes the same stream from a saved state', () => {
    const a = new Random(123);
    for (let i = 0; i < 10; i++) a.uniform();
    const b = new Random(a.getState());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(Array.from({ length: 5 }, () => a.uniform()));
  });

  it('draws uniforms in [0, 1) with the right mean and Gaussian noise with the right sd', () => {
    const rng = new Random(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const u = rng.uniform();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    const noise = new Float32Array(20001);
    rng.addGaussianNoise(noise, 0, noise.length, 2);
    const mean = noise.reduce((s, v) => s + v, 0) / noise.length;
    const sd = Math.sqrt(noise.reduce((s, v) => s + (v - mean) ** 2, 0) / noise.length);
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(sd).toBeGreaterThan(1.95);
    expect(sd).toBeLessThan(2.05);
  });
});
