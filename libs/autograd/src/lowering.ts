import { GraphBuildError } from './errors';

/** The execution providers a graph can be lowered for (CUDA runs the CPU lowering: it implements every op). */
export const LOWERING_PROVIDERS = ['cpu', 'webgpu'] as const;
export type LoweringProvider = (typeof LOWERING_PROVIDERS)[number];

/**
 * How the ops whose fastest formulation differs by execution provider are emitted. Every choice uses standard ONNX
 * ops only; a lowering may use only ops that its provider implements, so that no tensor crosses between host and
 * device inside one run (ORT's verbose placement log lists every CPU node and every Memcpy it inserts).
 * Recorded in the artifacts' manifest.
 */
export interface Lowering {
  readonly provider: LoweringProvider;
  /** Weight gradient of a stride-1 conv: the shift stack's layout (ops/conv3d-grad-weight-stack.ts). */
  readonly convWeightGrad: ShiftStackLowering;
}

/**
 * `layout` channels-first: [C, N, flat] operands, one 2-D Gemm per slice of X with K = N·L (CPU: few, tall GEMMs).
 * `layout` planes: NCDHW operands, one MatMul per slice batched over (sample, depth plane), then a ReduceSum (a GPU
 * gets N·D independent tiles instead of one product with a K of N·D·H·W). `stacked`: which tap axes become shifted
 * copies of dY: `row` (tw: k copies of dY, k² slices of X) or `plane` (th, tw: k² copies, k slices); planes needs plane.
 */
export interface ShiftStackLowering {
  readonly layout: 'channels-first' | 'planes';
  readonly stacked: 'row' | 'plane';
}

export const LOWERINGS: Readonly<Record<LoweringProvider, Lowering>> = {
  cpu: { provider: 'cpu', convWeightGrad: { layout: 'channels-first', stacked: 'row' } },
  webgpu: { provider: 'webgpu', convWeightGrad: { layout: 'planes', stacked: 'plane' } },
};

export function loweringFor(provider: string): Lowering {
  const lowering = (LOWERINGS as Record<string, Lowering>)[provider];
  if (!lowering) {
    throw new GraphBuildError(
      `no graph lowering for provider "${provider}"; valid providers: ${LOWERING_PROVIDERS.join(', ')}`,
    );
  }
  return lowering;
}
