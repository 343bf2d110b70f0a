import { Autodiff, diceBceLoss, Tensor } from '@fedstroke/autograd';
import { UNetConfig, validateConfig } from './config';
import { unetLogits } from './network';
import { parameterDefs } from './parameters';

/** Symbolic input shapes: batch and spatial sizes are chosen at run time (spatial: multiples of spatialMultiple). */
export const imageShape = (config: UNetConfig): Array<number | string> => ['N', config.inChannels, 'D', 'H', 'W'];
export const labelShape = (): Array<number | string> => ['N', 1, 'D', 'H', 'W'];

export type GraphKind = 'training' | 'eval' | 'inference';

const DOC = 'fedstroke 3-D U-Net (torch_unet3d.py family); parameters are graph inputs in manifest order';

function declare(config: UNetConfig, requiresGrad: boolean, withLabel: boolean) {
  const ad = new Autodiff();
  const params = new Map<string, Tensor>();
  for (const p of parameterDefs(config)) params.set(p.name, ad.input(p.name, p.shape, { requiresGrad }));
  const image = ad.input('image', imageShape(config));
  const label = withLabel ? ad.input('label', labelShape()) : undefined;
  return { ad, params, image, label };
}

/**
 * The three artifacts of ARTIFACTS.md:
 *  training: parameters, image, label → loss, grad.<name> for every parameter (manifest order);
 *  eval:     parameters, image, label → loss, prob;
 *  inference: parameters, image → prob.
 */
export function buildGraph(config: UNetConfig, kind: GraphKind): Uint8Array {
  validateConfig(config);
  const { ad, params, image, label } = declare(config, kind === 'training', kind !== 'inference');
  const logits = unetLogits(ad, params, image, config);
  if (kind === 'inference') {
    ad.graph.output(
      ad.graph.scoped('prob', () => ad.graph.op('Sigmoid', [logits], {}, logits.shape)),
      'prob',
    );
    return ad.graph.toModel(`${config.name}_inference`, DOC);
  }
  const { loss, prob } = ad.graph.scoped('loss', () => diceBceLoss(ad, logits, label as Tensor));
  ad.graph.output(loss, 'loss');
  if (kind === 'eval') {
    ad.graph.output(prob, 'prob');
    return ad.graph.toModel(`${config.name}_eval`, DOC);
  }
  const names = [...params.keys()];
  const grads = ad.gradients(
    loss,
    names.map((n) => params.get(n) as Tensor),
  );
  grads.forEach((g, i) => ad.graph.output(g, `grad.${names[i]}`));
  return ad.graph.toModel(`${config.name}_training`, DOC);
}
