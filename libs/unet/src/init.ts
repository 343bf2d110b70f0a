import { Random } from '@fedstroke/common';
import { ParameterDef } from './parameters';

/** He gain for LeakyReLU(0.01): sqrt(2 / (1 + slope²)). */
const HE_GAIN = Math.sqrt(2 / (1 + 0.01 ** 2));

/**
 * Seeded initial parameters, one Float32Array per parameter in the given order: conv and up-conv weights from
 * Kaiming/He normal N(0, gain²/fanIn) (fanIn = inputs per output value: Cin·k³ for convs, Cin for the k2 s2 up-conv,
 * whose output voxels each read one input voxel), every bias 0, InstanceNorm weight 1 and bias 0.
 * One normal stream in parameter order, so the result depends only on (layout, seed).
 */
export function initialParameters(defs: readonly ParameterDef[], seed: number): Float32Array[] {
  const random = new Random(seed);
  return defs.map((def) => {
    const data = new Float32Array(def.shape.reduce((a, b) => a * b, 1));
    if (def.role === 'conv.weight' || def.role === 'up.weight') {
      const std = HE_GAIN / Math.sqrt(def.fanIn);
      for (let i = 0; i < data.length; i++) data[i] = std * random.normal();
    } else if (def.role === 'norm.weight') {
      data.fill(1);
    }
    return data;
  });
}
