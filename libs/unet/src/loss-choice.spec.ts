import { Autodiff, smallLesionBce } from '@fedstroke/autograd';
import { randomNormal, runModel } from '@fedstroke/autograd/testing';
import { namedConfig, UNetConfig, validateConfig } from './config';
import { buildGraph } from './graphs';
import { initialParameters } from './init';
import { parameterDefs } from './parameters';

/** The config's loss reaches the training and eval graphs: Dice + BCE, plus the lesion-wise term when asked for. */
describe('loss choice', () => {
  const base: UNetConfig = { ...namedConfig('tiny'), name: 'loss-check', inChannels: 2 };
  const lesion: UNetConfig = { ...base, loss: 'dice-bce-lesion' };
  const defs = parameterDefs(base);
  const feeds = {
    ...Object.fromEntries(initialParameters(defs, 5).map((data, i) => [defs[i].name, { shape: defs[i].shape, data }])),
    image: { shape: [1, 2, 8, 8, 8], data: randomNormal(1024, 3) },
    label: { shape: [1, 1, 8, 8, 8], data: randomNormal(512, 4).map((v) => (v > 1.2 ? 1 : 0)) },
  };

  it('adds exactly the lesion-wise term to the loss, and so changes the gradients', async () => {
    const plain = await runModel(buildGraph(base, 'training'), feeds);
    const withTerm = await runModel(buildGraph(lesion, 'training'), feeds);
    const evalPlain = await runModel(buildGraph(base, 'eval'), feeds);
    // The term on its own, from the eval graph's probabilities turned back into logits.
    const ad = new Autodiff();
    const logits = ad.input('logits', [1, 1, 8, 8, 8]);
    const target = ad.input('target', [1, 1, 8, 8, 8]);
    ad.graph.output(smallLesionBce(ad, logits, target), 'term');
    const z = Array.from(evalPlain.prob, (p) => Math.log(p / (1 - p)));
    const term = await runModel(ad.graph.toModel('term'), {
      logits: { shape: [1, 1, 8, 8, 8], data: z },
      target: feeds.label,
    });
    expect(term.term[0]).toBeGreaterThan(0);
    expect(withTerm.loss[0]).toBeCloseTo(plain.loss[0] + term.term[0], 4);
    const name = `grad.${defs[defs.length - 2].name}`; // head.weight
    expect(Array.from(withTerm[name])).not.toEqual(Array.from(plain[name]));
  });

  it('refuses a loss it does not know', () => {
    expect(() => validateConfig({ ...base, loss: 'focal' as never })).toThrow(
      /loss must be one of dice-bce, dice-bce-lesion/,
    );
    expect(namedConfig('bench-lesion').loss).toBe('dice-bce-lesion');
  });
});
