import { add, Autodiff, diceBceLoss, Lowering, LOWERINGS, smallLesionBce, Tensor } from '@fedstroke/autograd';
import { UNetConfig, validateConfig } from './config';
import { unetLogits } from './network';
import { normBiasFreeParameters, parameterDefs } from './parameters';

/** Symbolic input shapes: batch and spatial sizes are chosen at run time (spatial: multiples of spatialMultiple). */
export const imageShape = (config: UNetConfig): Array<number | string> => ['N', config.inChannels, 'D', 'H', 'W'];
export const labelShape = (): Array<number | string> => ['N', 1, 'D', 'H', 'W'];

export type GraphKind = 'training' | 'eval' | 'inference';

const DOC = 'fedstroke 3-D U-Net (torch_unet3d.py family); parameters are graph inputs in manifest order';

function declare(config: UNetConfig, requiresGrad: boolean, withLabel: boolean, lowering: Lowering) {
  const ad = new Autodiff(undefined, lowering);
  const params = new Map<string, Tensor>();
  for (const p of parameterDefs(config)) params.set(p.name, ad.input(p.name, p.shape, { requiresGrad }));
  const image = ad.input('image', imageShape(config));
  const label = withLabel ? ad.input('label', labelShape()) : undefined;
  return { ad, params, image, label };
}

/** The config's loss over the logits: Dice + BCE, plus the lesion-wise BCE term for "dice-bce-lesion". */
function trainingLoss(ad: Autodiff, config: UNetConfig, logits: Tensor, label: Tensor): { loss: Tensor; prob: Tensor } {
  const base = diceBceLoss(ad, logits, label);
  if ((config.loss ?? 'dice-bce') === 'dice-bce') return base;
  return { loss: add(ad, base.loss, smallLesionBce(ad, logits, label)), prob: base.prob };
}

/**
 * The three artifacts of ARTIFACTS.md:
 *  training: parameters, image, label → loss, grad.<name> for every parameter (manifest order);
 *  eval:     parameters, image, label → loss, prob;
 *  inference: parameters, image → prob.
 */
export function buildGraph(config: UNetConfig, kind: GraphKind, lowering: Lowering = LOWERINGS.cpu): Uint8Array {
  validateConfig(config);
  const { ad, params, image, label } = declare(config, kind === 'training', kind !== 'inference', lowering);
  const logits = unetLogits(ad, params, image, config);
  if (kind === 'inference') {
    ad.graph.output(
      ad.graph.scoped('prob', () => ad.graph.op('Sigmoid', [logits], {}, logits.shape)),
      'prob',
    );
    return ad.graph.toModel(`${config.name}_inference`, DOC);
  }
  const { loss, prob } = ad.graph.scoped('loss', () => trainingLoss(ad, config, logits, label as Tensor));
  ad.graph.output(loss, 'loss');
  if (kind === 'eval') {
    ad.graph.output(prob, 'prob');
    return ad.graph.toModel(`${config.name}_eval`, DOC);
  }
  const names = [...params.keys()];
  const zeroGradient = normBiasFreeParameters(config);
  const live = names.filter((n) => !zeroGradient.has(n));
  const grads = new Map(
    ad
      .gradients(
        loss,
        live.map((n) => params.get(n) as Tensor),
      )
      .map((g, i) => [live[i], g]),
  );
  for (const name of names) {
    const p = params.get(name) as Tensor;
    const zeros = () => ad.graph.floats(new Array<number>(p.shape[0] as number).fill(0), p.shape as number[]);
    ad.graph.output(grads.get(name) ?? zeros(), `grad.${name}`);
  }
  return ad.graph.toModel(`${config.name}_training`, DOC);
}
