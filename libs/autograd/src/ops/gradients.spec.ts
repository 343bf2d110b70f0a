import { Autodiff } from '../autodiff';
import { GraphBuilder } from '../graph-builder';
import { LOWERING_PROVIDERS, LOWERINGS } from '../lowering';
import * as F from '../functional';
import { runModel } from '../testing/gradient-check';
import { gradInputMergedPhases, gradInputStrided } from './conv3d-grad-input';
import { diceBceLoss } from '../losses/dice-bce';
import { checkGradients, CheckInput, GradientCase, randomNormal } from '../testing/gradient-check';
import * as R from '../testing/reference-ops';

const FORWARD_TOLERANCE = 1e-5;
const VJP_TOLERANCE = 1e-4;

/**
 * Each test draws its inputs from seeds fixed by its own name, so a test sees the same numbers whether it runs alone
 * (`-t`), in another order, or after a test was added above it.
 */
let seedCounter = 1;
beforeEach(() => {
  seedCounter = seedOf(expect.getState().currentTestName ?? '');
});
/** FNV-1a over the name: a stable 32-bit seed, never 0. */
function seedOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash || 1;
}
function input(name: string, shape: number[], requiresGrad = true, scale = 1): CheckInput {
  return { name, shape, data: randomNormal(R.size(shape), seedCounter++, scale), requiresGrad };
}

/** A binary label volume (no gradient). */
function labels(name: string, shape: number[]): CheckInput {
  const noise = randomNormal(R.size(shape), seedCounter++);
  return { name, shape, data: noise.map((v) => (v > 0.3 ? 1 : 0)), requiresGrad: false };
}

async function expectGradientsMatch(testCase: GradientCase): Promise<void> {
  const result = await checkGradients(testCase, seedCounter++);
  expect(result.forwardError).toBeLessThan(FORWARD_TOLERANCE);
  for (const check of result.inputs) {
    expect({ name: check.name, ok: check.relativeError < VJP_TOLERANCE, check }).toEqual(
      expect.objectContaining({ name: check.name, ok: true }),
    );
  }
}

describe('gradient rules against float64 references (finite differences + VJP identity, real ORT sessions)', () => {
  const shape = [2, 3, 4, 4, 2];

  it.each([
    ['add', F.add, (a: number, b: number) => a + b],
    ['sub', F.sub, (a: number, b: number) => a - b],
    ['mul', F.mul, (a: number, b: number) => a * b],
  ] as const)('%s (same shapes)', async (_name, op, f) => {
    await expectGradientsMatch({
      inputs: [input('a', shape), input('b', shape)],
      build: (ad, [a, b]) => op(ad, a, b),
      reference: ([a, b]) => R.zip(a, b, f),
    });
  });

  it('div, with the broadcast gradient of a [N, 1] denominator summed back', async () => {
    const b = input('b', [2, 1]);
    b.data = b.data.map((v) => Math.fround(2 + Math.abs(v)));
    await expectGradientsMatch({
      inputs: [input('a', [2, 5]), b],
      build: (ad, [x, y]) => F.div(ad, x, y),
      reference: ([x, y]) => ({ data: x.data.map((v, i) => v / y.data[Math.floor(i / 5)]), shape: x.shape }),
    });
  });

  it('sigmoid', async () => {
    await expectGradientsMatch({
      inputs: [input('x', shape, true, 3)],
      build: (ad, [x]) => F.sigmoid(ad, x),
      reference: ([x]) => R.sigmoid(x),
    });
  });

  it.each(LOWERING_PROVIDERS)('leakyRelu(0.01), %s lowering', async (provider) => {
    await expectGradientsMatch({
      lowering: LOWERINGS[provider],
      inputs: [input('x', shape)],
      build: (ad, [x]) => F.leakyRelu(ad, x, 0.01),
      reference: ([x]) => R.leakyRelu(x, 0.01),
    });
  });

  // Finite differences can't see the slope's edges: these values must give exactly g or α·g (PyTorch: x > 0 ? g : αg).
  it.each(LOWERING_PROVIDERS)(
    'leakyRelu backward is exact at 0, −0, denormals and infinities, %s lowering',
    async (p) => {
      const alpha = 0.01;
      const x = [
        0,
        -0,
        1e-45,
        -1e-45,
        1.2e-38,
        -1.2e-38,
        1e-7,
        -1e-7,
        0.5,
        -0.5,
        1,
        -1,
        3e38,
        -3e38,
        Infinity,
        -Infinity,
      ];
      const gy = x.map((_, i) => 1.5 + i);
      const ad = new Autodiff(undefined, LOWERINGS[p]);
      const xIn = ad.input('x', [x.length], { requiresGrad: true });
      const seed = ad.input('seed', [x.length]);
      const [dx] = ad.gradients(F.leakyRelu(ad, xIn, alpha), [xIn], seed);
      ad.graph.output(dx, 'dx');
      const out = await runModel(ad.graph.toModel('leaky_relu_edges'), {
        x: { shape: [x.length], data: x },
        seed: { shape: [x.length], data: gy },
      });
      expect(Array.from(out.dx)).toEqual(gy.map((g, i) => Math.fround(x[i] > 0 ? g : Math.fround(alpha) * g)));
    },
  );

  it('concat along channels, gradient split back', async () => {
    await expectGradientsMatch({
      inputs: [input('a', [2, 2, 2, 2, 2]), input('b', [2, 3, 2, 2, 2])],
      build: (ad, [a, b]) => F.concat(ad, [a, b], 1),
      reference: (parts) => R.concatChannels(parts),
    });
  });

  it.each(LOWERING_PROVIDERS)('reduceSum and reduceMean over spatial axes, %s lowering', async (provider) => {
    await expectGradientsMatch({
      lowering: LOWERINGS[provider],
      inputs: [input('x', shape)],
      build: (ad, [x]) => F.reduceMean(ad, F.reduceSum(ad, x, [2, 3, 4], true), [0, 1, 2, 3, 4]),
      reference: ([x]) => ({ data: Float64Array.of(R.mean(x) * 32), shape: [] }),
    });
  });

  it('bceWithLogits (gradient w.r.t. logits and target)', async () => {
    await expectGradientsMatch({
      inputs: [input('logits', shape, true, 4), { ...labels('target', shape), requiresGrad: true }],
      build: (ad, [x, y]) => F.bceWithLogits(ad, x, y),
      reference: ([x, y]) => R.bceWithLogits(x, y),
    });
  });

  it.each(LOWERING_PROVIDERS)('instanceNorm with affine, %s lowering', async (provider) => {
    await expectGradientsMatch({
      lowering: LOWERINGS[provider],
      inputs: [input('x', shape, true, 2), input('gamma', [3]), input('beta', [3])],
      build: (ad, [x, g, b]) => F.instanceNorm(ad, x, g, b, 1e-5),
      reference: ([x, g, b]) => R.instanceNorm(x, g, b, 1e-5),
    });
  });

  it.each(
    LOWERING_PROVIDERS.flatMap((provider) =>
      [
        [3, 1],
        [3, 2],
        [1, 1],
        [5, 1],
      ].map(([kernel, stride]) => [kernel, stride, provider] as const),
    ),
  )('conv3d kernel %i stride %i, %s lowering', async (kernel, stride, provider) => {
    const padding = (kernel - 1) / 2;
    await expectGradientsMatch({
      lowering: LOWERINGS[provider],
      inputs: [input('x', [2, 3, 4, 6, 4]), input('w', [4, 3, kernel, kernel, kernel], true, 0.5), input('b', [4])],
      build: (ad, [x, w, b]) => F.conv3d(ad, x, w, b, { kernel, stride, padding }),
      reference: ([x, w, b]) => R.conv3d(x, w, b, stride, padding),
    });
  });

  it('conv3d without a bias (the conv in front of InstanceNorm)', async () => {
    await expectGradientsMatch({
      inputs: [input('x', [2, 3, 4, 6, 4]), input('w', [4, 3, 3, 3, 3], true, 0.5)],
      build: (ad, [x, w]) => F.conv3d(ad, x, w, undefined, { kernel: 3, stride: 1, padding: 1 }),
      reference: ([x, w]) => R.conv3d(x, w, { data: new Float64Array(4), shape: [4] }, 1, 1),
    });
  });

  it('upsample2x with ConvTranspose3d(k2, s2) semantics', async () => {
    await expectGradientsMatch({
      inputs: [input('x', [2, 3, 2, 3, 2]), input('w', [3, 4, 2, 2, 2]), input('b', [4])],
      build: (ad, [x, w, b]) => F.upsample2x(ad, x, w, b),
      reference: ([x, w, b]) => R.convTranspose2x(x, w, b),
    });
  });

  it('a value used twice accumulates both gradients (x·x + x)', async () => {
    await expectGradientsMatch({
      inputs: [input('x', shape)],
      build: (ad, [x]) => F.add(ad, F.mul(ad, x, x), x),
      reference: ([x]) => R.map(x, (v) => v * v + v),
    });
  });

  it('diceBceLoss matches torch_unet3d.dice_bce_loss (scalar loss, gradient w.r.t. logits)', async () => {
    const target = labels('target', [2, 1, 4, 4, 4]);
    await expectGradientsMatch({
      inputs: [input('logits', [2, 1, 4, 4, 4], true, 2), target],
      build: (ad, [logits, t]) => diceBceLoss(ad, logits, t).loss,
      reference: ([logits, t]) => ({ data: Float64Array.of(R.diceBceLoss(logits, t)), shape: [] }),
    });
  });

  it('the merged-phase formulation of a strided conv input gradient equals the 8-phase one', async () => {
    const g = new GraphBuilder();
    const attrs = { kernel: 3, stride: 2, padding: 1 };
    const x = g.input('x', [2, 3, 6, 4, 8]);
    const w = g.input('w', [4, 3, 3, 3, 3]);
    const gy = g.input('gy', [2, 4, 3, 2, 4]);
    g.output(gradInputStrided(g, gy, x, w, attrs), 'phases');
    g.output(gradInputMergedPhases(g, gy, x, w, attrs)!, 'merged');
    const feeds = [input('x', [2, 3, 6, 4, 8]), input('w', [4, 3, 3, 3, 3]), input('gy', [2, 4, 3, 2, 4])];
    const out = await runModel(g.toModel('phases'), Object.fromEntries(feeds.map((f) => [f.name, f])));
    const maxDiff = out.phases.reduce((m, v, i) => Math.max(m, Math.abs(v - out.merged[i])), 0);
    expect(maxDiff).toBeLessThan(1e-5);
    expect(out.phases.some((v) => v !== 0)).toBe(true);
  });
});
