import { ParameterDef } from './parameters';

/** mulberry32: a tiny, well-mixed 32-bit PRNG; the same seed gives the same stream on every platform. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** He gain for LeakyReLU(0.01): sqrt(2 / (1 + slope²)). */
const HE_GAIN = Math.sqrt(2 / (1 + 0.01 ** 2));

/**
 * Seeded initial parameters, one Float32Array per parameter in the given order: conv and up-conv weights from
 * Kaiming/He normal N(0, gain²/fanIn) (fanIn = inputs per output value: Cin·k³ for convs, Cin for the k2 s2 up-conv,
 * whose output voxels each read one input voxel), every bias 0, InstanceNorm weight 1 and bias 0.
 * One Box–Muller stream in parameter order, so the result depends only on (layout, seed).
 */
export function initialParameters(defs: readonly ParameterDef[], seed: number): Float32Array[] {
  const uniform = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return defs.map((def) => {
    const data = new Float32Array(def.shape.reduce((a, b) => a * b, 1));
    if (def.role === 'conv.weight' || def.role === 'up.weight') {
      const std = HE_GAIN / Math.sqrt(def.fanIn);
      for (let i = 0; i < data.length; i++) data[i] = std * normal();
    } else if (def.role === 'norm.weight') {
      data.fill(1);
    }
    return data;
  });
}
