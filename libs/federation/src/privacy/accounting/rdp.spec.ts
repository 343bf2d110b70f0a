/**
 * The RDP accountant against (1) an independent implementation written from the definition (numerical
 * quadrature of A_α in numpy, libs/federation/tools/rdp_reference.py), and (2) figures published in papers.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { logErfc } from './log-erfc';
import { composedRdp, DEFAULT_RDP_ORDERS, rdpToEpsilon, sampledGaussianRdp } from './rdp';

const TOOL = join(__dirname, '../../../tools/rdp_reference.py');

interface ReferenceCase {
  q: number;
  sigma: number;
  steps: number;
  orders: number[];
  delta: number;
}

function reference(cases: ReferenceCase[]): { rdp: number[]; classic: number; improved: number }[] {
  return JSON.parse(execFileSync('/usr/bin/python3', [TOOL, JSON.stringify(cases)], { encoding: 'utf8' }));
}

describe('RDP of the sampled Gaussian mechanism against an independent quadrature (numpy)', () => {
  // Integer and fractional orders, small and large q and σ, short and long compositions.
  const orders = [1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.7, 4, 6.3, 8, 12, 16, 24.5, 32, 64];
  const cases: ReferenceCase[] = [
    { q: 0.01, sigma: 4, steps: 10000, orders, delta: 1e-5 },
    { q: 256 / 60000, sigma: 1.1, steps: 14063, orders, delta: 1e-5 },
    { q: 0.1, sigma: 0.8, steps: 50, orders, delta: 1e-6 },
    { q: 0.5, sigma: 2, steps: 20, orders, delta: 1e-5 },
    { q: 1, sigma: 1.5, steps: 30, orders, delta: 1e-5 },
    { q: 0.02, sigma: 0.6, steps: 1000, orders, delta: 1e-5 },
  ];
  const expected = reference(cases);

  it.each(cases)('q=$q, σ=$sigma, $steps steps: RDP at every order within 1e-5 relative', (c) => {
    const i = cases.indexOf(c);
    const rdp = composedRdp(c.q, c.sigma, c.steps, c.orders);
    c.orders.forEach((order, k) => {
      const want = expected[i].rdp[k];
      // Far orders of tiny-q cases reach 1e4+, where the last digits of either side are not meaningful.
      expect(Math.abs(rdp[k] - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-9);
      expect(order).toBeGreaterThan(1);
    });
  });

  it.each(cases)('q=$q, σ=$sigma, $steps steps: ε by both conversions within 1e-5', (c) => {
    const i = cases.indexOf(c);
    const rdp = composedRdp(c.q, c.sigma, c.steps, c.orders);
    expect(rdpToEpsilon(c.orders, rdp, c.delta, 'classic').epsilon).toBeCloseTo(expected[i].classic, 5);
    expect(rdpToEpsilon(c.orders, rdp, c.delta, 'improved').epsilon).toBeCloseTo(expected[i].improved, 5);
  });
});

describe('RDP accountant against published figures', () => {
  it('Abadi et al., "Deep Learning with Differential Privacy", CCS 2016, §3.1: q = 0.01, σ = 4, T = 10 000, δ = 1e−5 gives ε ≈ 1.26', () => {
    // The moments accountant is the classic conversion over integer orders (λ = α − 1 ≤ 32 in the paper).
    const orders = Array.from({ length: 32 }, (_, i) => i + 2);
    const { epsilon } = rdpToEpsilon(orders, composedRdp(0.01, 4, 10000, orders), 1e-5, 'classic');
    expect(epsilon).toBeCloseTo(1.26, 2);
  });

  it('Dong, Roth & Su, "Gaussian Differential Privacy", JRSS-B 2022, Fig. 4: MNIST DP-SGD, q = 256/60000, δ = 1e−5', () => {
    // "the moments accountant with σ = 1.3 give(s) (1.34, 10−5)-DP at the 20th epoch"; "σ = 0.7 ... (8.68, 10−5)-DP
    // at epoch 70". Steps = ceil(epochs · 60000 / 256), tf-privacy's orders (DEFAULT_RDP_ORDERS) and conversion.
    const q = 256 / 60000;
    const at = (sigma: number, epochs: number) =>
      rdpToEpsilon(DEFAULT_RDP_ORDERS, composedRdp(q, sigma, Math.ceil((epochs * 60000) / 256)), 1e-5, 'classic')
        .epsilon;
    expect(Math.abs(at(1.3, 20) - 1.34)).toBeLessThan(0.011); // 1.350 here; the paper prints 1.34
    expect(at(0.7, 70)).toBeCloseTo(8.68, 2);
  });

  it('the improved conversion is never looser than the classic one', () => {
    for (const [q, sigma, steps] of [
      [0.01, 4, 10000],
      [0.3, 1, 100],
      [1, 2, 10],
    ]) {
      const rdp = composedRdp(q, sigma, steps);
      expect(rdpToEpsilon(DEFAULT_RDP_ORDERS, rdp, 1e-5).epsilon).toBeLessThan(
        rdpToEpsilon(DEFAULT_RDP_ORDERS, rdp, 1e-5, 'classic').epsilon,
      );
    }
  });
});

describe('RDP accountant: closed forms and edges', () => {
  it('without sampling it is the Gaussian mechanism, α/(2σ²), and it composes by addition', () => {
    expect(sampledGaussianRdp(1, 2, 3)).toBeCloseTo(3 / 8, 12);
    expect(composedRdp(0.2, 1.1, 7, [2.5])[0]).toBeCloseTo(7 * sampledGaussianRdp(0.2, 1.1, 2.5), 12);
    expect(composedRdp(0.2, 1.1, 0, [2.5])[0]).toBe(0);
  });

  it('fractional orders next to an integer agree with the integer closed form (the two code paths meet)', () => {
    for (const [q, sigma] of [
      [0.01, 1],
      [0.2, 0.9],
      [0.6, 3],
    ]) {
      expect(sampledGaussianRdp(q, sigma, 3 + 1e-7)).toBeCloseTo(sampledGaussianRdp(q, sigma, 3), 5);
      expect(sampledGaussianRdp(q, sigma, 8 - 1e-7)).toBeCloseTo(sampledGaussianRdp(q, sigma, 8), 5);
    }
  });

  it('more noise or less sampling gives a smaller ε; no noise is no privacy', () => {
    const eps = (q: number, sigma: number) =>
      rdpToEpsilon(DEFAULT_RDP_ORDERS, composedRdp(q, sigma, 100), 1e-5).epsilon;
    expect(eps(0.1, 2)).toBeLessThan(eps(0.1, 1));
    expect(eps(0.05, 1)).toBeLessThan(eps(0.1, 1));
    expect(eps(0.1, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses parameters outside their domain with the constraint named', () => {
    expect(() => sampledGaussianRdp(1.5, 1, 2)).toThrow(/sampling rate q must be in \[0, 1\], got 1.5/);
    expect(() => sampledGaussianRdp(0.1, -1, 2)).toThrow(/noise multiplier must be a finite number ≥ 0/);
    expect(() => sampledGaussianRdp(0.1, 1, 1)).toThrow(/order must be a finite number > 1/);
    expect(() => rdpToEpsilon([2], [1], 0)).toThrow(/delta must be in \(0, 1\)/);
  });
});

describe('log erfc', () => {
  it('matches Python’s math.erfc to 2e−7 relative over the range where erfc is a double, and stays finite beyond', () => {
    const xs = [-6, -2.5, -1, -0.3, 0, 0.1, 0.7, 1.5, 3, 5, 9, 14, 20, 26];
    const script = `import math,json,sys;print(json.dumps([math.log(math.erfc(x)) for x in json.loads(sys.argv[1])]))`;
    const want = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(xs)], { encoding: 'utf8' }),
    ) as number[];
    xs.forEach((x, i) =>
      expect(Math.abs(logErfc(x) - want[i])).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(want[i]))),
    );
    // Past x ≈ 26.5 erfc underflows a double; its log is −x² − log(x√π) + log(1 − 1/(2x²) + 3/(4x⁴) − …).
    expect(logErfc(40)).toBeCloseTo(
      -1600 - Math.log(40 * Math.sqrt(Math.PI)) + Math.log(1 - 1 / 3200 + 3 / (4 * 40 ** 4)),
      6,
    );
  });
});
