import { Autodiff, concat, conv3d, instanceNorm, leakyRelu, Tensor, upsample2x } from '@fedstroke/autograd';
import { UNetConfig } from './config';

const NORM_EPSILON = 1e-5;
const LEAKY_SLOPE = 0.01;

/** Parameter tensors by state_dict key. */
export type ParameterTensors = ReadonlyMap<string, Tensor>;

function param(params: ParameterTensors, name: string): Tensor {
  const t = params.get(name);
  if (!t) throw new Error(`internal: parameter ${name} was not declared`);
  return t;
}

/**
 * Conv3d(k, "same") → InstanceNorm3d(affine) → LeakyReLU(0.01): torch_unet3d.ConvBlock. The conv's bias is a
 * parameter (state_dict compatibility) but is not added: the norm subtracts every per-channel constant, so it changes
 * nothing but float rounding, and its gradient is exactly 0 (normBiasFreeParameters).
 */
function convBlock(
  ad: Autodiff,
  params: ParameterTensors,
  prefix: string,
  x: Tensor,
  config: UNetConfig,
  stride: number,
): Tensor {
  return ad.graph.scoped(prefix, () => {
    const k = config.kernelSize;
    const conv = conv3d(ad, x, param(params, `${prefix}.0.weight`), undefined, {
      kernel: k,
      stride,
      padding: (k - 1) / 2,
    });
    const norm = instanceNorm(
      ad,
      conv,
      param(params, `${prefix}.1.weight`),
      param(params, `${prefix}.1.bias`),
      NORM_EPSILON,
    );
    return leakyRelu(ad, norm, LEAKY_SLOPE);
  });
}

const stage = (
  ad: Autodiff,
  params: ParameterTensors,
  prefix: string,
  x: Tensor,
  config: UNetConfig,
  stride: number,
): Tensor => convBlock(ad, params, `${prefix}.1`, convBlock(ad, params, `${prefix}.0`, x, config, stride), config, 1);

/** The U-Net forward pass (torch_unet3d.UNet3D.forward): image [N, C, D, H, W] → logits [N, outChannels, D, H, W]. */
export function unetLogits(ad: Autodiff, params: ParameterTensors, image: Tensor, config: UNetConfig): Tensor {
  const skips: Tensor[] = [];
  let x = image;
  for (let i = 0; i < config.levels; i++) {
    x = stage(ad, params, `encoder.${i}`, x, config, i === 0 ? 1 : 2);
    skips.push(x);
  }
  x = skips.pop() as Tensor;
  for (let j = 0; j < config.levels - 1; j++) {
    const up = ad.graph.scoped(`up.${j}`, () =>
      upsample2x(ad, x, param(params, `up.${j}.weight`), param(params, `up.${j}.bias`)),
    );
    x = stage(ad, params, `decoder.${j}`, concat(ad, [skips.pop() as Tensor, up], 1), config, 1);
  }
  return ad.graph.scoped('head', () =>
    conv3d(ad, x, param(params, 'head.weight'), param(params, 'head.bias'), { kernel: 1, stride: 1, padding: 0 }),
  );
}
