import { GraphBuilder } from './graph-builder';
import { Tensor } from './tensor';

/** What a gradient rule sees (ORT gradient_builder's I, O, GO): forward inputs and output, and dLoss/dOutput. */
export interface BackwardContext<A> {
  readonly g: GraphBuilder;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: A;
  readonly gradOutput: Tensor;
  /** needsGrad[i]: whether input i requires a gradient; a rule may skip work for the others. */
  readonly needsGrad: readonly boolean[];
}

/**
 * One differentiable op: its forward emitter and its gradient rule, side by side in one file (tfjs `*_grad.ts`,
 * ORT `gradient_builder`). `backward` returns one entry per input (GI); `undefined` only where !needsGrad[i].
 */
export interface OpRule<A> {
  /** Number of inputs, or 'variadic' (concat). */
  readonly arity: number | 'variadic';
  forward(g: GraphBuilder, inputs: readonly Tensor[], attrs: A): Tensor;
  backward(ctx: BackwardContext<A>): ReadonlyArray<Tensor | undefined>;
}
