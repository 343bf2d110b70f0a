import { LOWERING_PROVIDERS, LOWERINGS } from '@fedstroke/autograd';
import { Array64, randomNormal, runModel } from '@fedstroke/autograd/testing';
import { UNetConfig } from './config';
import { buildGraph } from './graphs';
import { initialParameters } from './init';
import { parameterDefs } from './parameters';
import { referenceLoss, referenceLogits } from './testing/reference-unet';

/** A whole small U-Net (3 levels, every op kind, skip connections) on a [2, 2, 4, 8, 4] batch. */
const config: UNetConfig = {
  name: 'gradcheck',
  inChannels: 2,
  baseFilters: 3,
  levels: 3,
  featuresCap: 5,
  kernelSize: 3,
  outChannels: 1,
};
const imageShape = [2, 2, 4, 8, 4];
const labelShape = [2, 1, 4, 8, 4];

describe.each(LOWERING_PROVIDERS)(
  'whole U-Net training graph (%s lowering) against a float64 reference',
  (provider) => {
    const lowering = LOWERINGS[provider];
    const defs = parameterDefs(config);
    const init = initialParameters(defs, 3);
    // Non-trivial norm affines and biases, so every gradient path carries signal.
    const weights = new Map<string, Array64>(
      defs.map((d, i) => [
        d.name,
        {
          shape: d.shape,
          data: Float64Array.from(init[i], (v, j) =>
            d.role === 'conv.weight' || d.role === 'up.weight' ? v : Math.fround(v + 0.3 * Math.sin(7 * i + j)),
          ),
        },
      ]),
    );
    const image: Array64 = { shape: imageShape, data: randomNormal(512, 11) };
    const label: Array64 = { shape: labelShape, data: randomNormal(256, 12).map((v) => (v > 0.4 ? 1 : 0)) };
    let outputs: Record<string, Float32Array>;

    beforeAll(async () => {
      const feeds = Object.fromEntries([...weights].map(([name, t]) => [name, t]));
      outputs = await runModel(buildGraph(config, 'training', lowering), { ...feeds, image, label });
    });

    it('computes the same loss', () => {
      const expected = referenceLoss(config, weights, image, label);
      expect(Math.abs(outputs.loss[0] - expected) / expected).toBeLessThan(1e-5);
    });

    it('gives every parameter the gradient of the reference loss (central differences in a random direction)', () => {
      const epsilon = 1e-6;
      const failures: string[] = [];
      const globalNorm = Math.sqrt(
        defs.reduce((sum, d) => sum + outputs[`grad.${d.name}`].reduce((a, g) => a + g * g, 0), 0),
      );
      defs.forEach((def, k) => {
        const u = randomNormal(weights.get(def.name)!.data.length, 100 + k);
        const at = (sign: number): number => {
          const shifted = new Map(weights);
          const base = weights.get(def.name)!;
          shifted.set(def.name, { shape: base.shape, data: base.data.map((v, i) => v + sign * epsilon * u[i]) });
          return referenceLoss(config, shifted, image, label);
        };
        const finiteDifference = (at(1) - at(-1)) / (2 * epsilon);
        const grad = outputs[`grad.${def.name}`];
        let backward = 0;
        let gradNorm = 0;
        grad.forEach((g, i) => {
          backward += g * u[i];
          gradNorm += g * g;
        });
        // ⟨g, u⟩ is of size |g| for a random normal u. Conv biases right before InstanceNorm have gradient exactly 0:
        // for them only float32 rounding remains, hence the floor relative to the whole gradient's norm.
        const tolerance = 1e-4 * Math.sqrt(gradNorm) + 1e-6 * globalNorm;
        if (Math.abs(finiteDifference - backward) > tolerance)
          failures.push(`${def.name}: fd ${finiteDifference} vs ${backward} (tolerance ${tolerance})`);
      });
      expect(failures).toEqual([]);
    });

    it('eval and inference graphs give the reference probabilities and the same loss', async () => {
      const feeds = Object.fromEntries([...weights].map(([name, t]) => [name, t]));
      const evalOut = await runModel(buildGraph(config, 'eval', lowering), { ...feeds, image, label });
      const inferOut = await runModel(buildGraph(config, 'inference', lowering), { ...feeds, image });
      const logits = referenceLogits(config, weights, image);
      const prob = logits.data.map((v) => 1 / (1 + Math.exp(-v)));
      expect(evalOut.loss[0]).toBeCloseTo(outputs.loss[0], 6);
      let maxDiff = 0;
      prob.forEach(
        (p, i) => (maxDiff = Math.max(maxDiff, Math.abs(p - inferOut.prob[i]), Math.abs(p - evalOut.prob[i]))),
      );
      expect(maxDiff).toBeLessThan(1e-5);
    });
  },
);
