import { Autodiff } from '../autodiff';
import { checkGradients, randomNormal, runModel } from '../testing/gradient-check';
import { smallLesionBce } from './small-lesion';

/** float64 reference written out from the definition: box sums with zero padding, then the weighted BCE mean. */
function reference(logits: Float64Array, y: Float64Array, shape: number[], k: number): number {
  const [n, , d, h, w] = shape;
  const r = (k - 1) / 2;
  const at = (b: number, z: number, yy: number, x: number) => ((b * d + z) * h + yy) * w + x;
  let weighted = 0;
  let total = 0;
  for (let b = 0; b < n; b++)
    for (let z = 0; z < d; z++)
      for (let yy = 0; yy < h; yy++)
        for (let x = 0; x < w; x++) {
          let box = 0;
          for (let dz = -r; dz <= r; dz++)
            for (let dy = -r; dy <= r; dy++)
              for (let dx = -r; dx <= r; dx++) {
                const [zz, y2, xx] = [z + dz, yy + dy, x + dx];
                if (zz >= 0 && zz < d && y2 >= 0 && y2 < h && xx >= 0 && xx < w) box += y[at(b, zz, y2, xx)];
              }
          const i = at(b, z, yy, x);
          const s = y[i] / (box / k ** 3 + 1e-3);
          const v = logits[i];
          const bce = Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v)));
          weighted += s * bce;
          total += s;
        }
  return weighted / (total + 1e-5);
}

describe('smallLesionBce', () => {
  const shape = [2, 1, 5, 6, 4];
  const size = shape.reduce((a, b) => a * b);

  it('matches its float64 definition, value and gradient w.r.t. the logits (real ORT session)', async () => {
    const labels = randomNormal(size, 91).map((v) => (v > 0.6 ? 1 : 0));
    const result = await checkGradients(
      {
        inputs: [
          { name: 'logits', shape, data: randomNormal(size, 92, 2), requiresGrad: true },
          { name: 'target', shape, data: labels, requiresGrad: false },
        ],
        build: (ad, [logits, target]) => smallLesionBce(ad, logits, target, 3),
        reference: ([logits, target]) => ({
          data: Float64Array.of(reference(logits.data, target.data, shape, 3)),
          shape: [],
        }),
      },
      93,
    );
    expect(result.forwardError).toBeLessThan(1e-5);
    for (const check of result.inputs) expect(check.relativeError).toBeLessThan(1e-4);
  });

  it('weighs a missed one-voxel lesion like a whole lesion of the box’s size (the point of the term)', async () => {
    // Batch 0: a 2×2×2 block, predicted well (logit +4); batch 1: one voxel alone in its 3³ box, missed (logit −4).
    // Block voxels see 8 of 27 lesion voxels: s = 1 / (8/27 + 0.001); the lone voxel s = 1 / (1/27 + 0.001), 8× more
    // per voxel, so both lesions weigh about 8 · 3.36 ≈ 26.3 in total and the missed one dominates the term.
    const ad = new Autodiff();
    const logits = ad.input('logits', [2, 1, 4, 4, 4]);
    const target = ad.input('target', [2, 1, 4, 4, 4]);
    ad.graph.output(smallLesionBce(ad, logits, target, 3), 'term');
    const y = new Float64Array(128);
    const z = new Float64Array(128);
    for (const i of [0, 1, 4, 5, 16, 17, 20, 21]) [y[i], z[i]] = [1, 4];
    y[64 + 42] = 1;
    z[64 + 42] = -4;
    const out = await runModel(ad.graph.toModel('term'), {
      logits: { shape: [2, 1, 4, 4, 4], data: z },
      target: { shape: [2, 1, 4, 4, 4], data: y },
    });
    const [block, lone] = [1 / (8 / 27 + 1e-3), 1 / (1 / 27 + 1e-3)];
    const hit = Math.log1p(Math.exp(-4));
    const missed = Math.log1p(Math.exp(4));
    expect(out.term[0]).toBeCloseTo((8 * block * hit + lone * missed) / (8 * block + lone + 1e-5), 4);
    expect(out.term[0]).toBeGreaterThan(0.45 * missed); // a plain mean over the 9 lesion voxels: 0.46
    expect(() => smallLesionBce(ad, logits, target, 4)).toThrow(/must be odd/);
  });
});
