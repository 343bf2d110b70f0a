import { GraphBuildError } from './errors';
import { GraphBuilder, InputOptions } from './graph-builder';
import { Lowering, LOWERINGS } from './lowering';
import { OpRule } from './op-rule';
import { OpAttributes, OpName, opRules } from './ops/registry';
import { binary } from './ops/emit';
import { Dim, formatShape, Tensor } from './tensor';

interface TapeEntry {
  op: OpName;
  inputs: readonly Tensor[];
  output: Tensor;
  attrs: unknown;
}

/**
 * Reverse-mode differentiation over ONNX: `apply` emits an op's forward nodes and records it on a tape;
 * `gradients` walks the tape backwards, emitting each rule's backward nodes and summing the gradients of values
 * used more than once (skip connections). The result is one graph holding forward and backward.
 */
export class Autodiff {
  readonly graph: GraphBuilder;
  private readonly tape: TapeEntry[] = [];
  private readonly rules: { readonly [K in OpName]: OpRule<OpAttributes[K]> };

  constructor(
    rules: { readonly [K in OpName]: OpRule<OpAttributes[K]> } = opRules,
    lowering: Lowering = LOWERINGS.cpu,
  ) {
    this.rules = rules;
    this.graph = new GraphBuilder(lowering);
  }

  input(name: string, shape: readonly Dim[], options?: InputOptions): Tensor {
    return this.graph.input(name, shape, options);
  }

  apply<K extends OpName>(op: K, inputs: readonly Tensor[], attrs: OpAttributes[K]): Tensor {
    const rule = this.rules[op] as OpRule<OpAttributes[K]> | undefined;
    if (!rule)
      throw new GraphBuildError(
        `op "${op}" has no rule in the registry; known ops: ${Object.keys(this.rules).join(', ')}`,
      );
    if (rule.arity !== 'variadic' && inputs.length !== rule.arity) {
      throw new GraphBuildError(`op "${op}" takes ${rule.arity} inputs, got ${inputs.length}`);
    }
    const emitted = this.graph.scoped(op, () => rule.forward(this.graph, inputs, attrs));
    const output: Tensor = { ...emitted, requiresGrad: inputs.some((t) => t.requiresGrad) };
    if (output.requiresGrad) this.tape.push({ op, inputs, output, attrs });
    return output;
  }

  /**
   * Emits d(of)/d(wrt) for each tensor in `wrt`. `of` must be a scalar unless `seed` (the output gradient, same shape
   * as `of`) is given. Every `wrt` tensor must require grad and lie on a path to `of`.
   */
  gradients(of: Tensor, wrt: readonly Tensor[], seed?: Tensor): Tensor[] {
    if (!seed && of.shape.length !== 0) {
      throw new GraphBuildError(`gradients: output ${formatShape(of.shape)} is not a scalar; pass a seed gradient`);
    }
    const grads = new Map<string, Tensor>();
    grads.set(of.name, seed ?? this.graph.scalar(1));
    const accumulate = (t: Tensor, grad: Tensor): void => {
      const previous = grads.get(t.name);
      grads.set(
        t.name,
        previous ? this.graph.scoped('accumulate', () => binary(this.graph, 'Add', previous, grad)) : grad,
      );
    };
    for (let i = this.tape.length - 1; i >= 0; i--) {
      const entry = this.tape[i];
      const gradOutput = grads.get(entry.output.name);
      if (!gradOutput) continue;
      const rule = this.rules[entry.op] as OpRule<unknown>;
      const needsGrad = entry.inputs.map((t) => t.requiresGrad);
      const inputGrads = this.graph.scoped(`grad/${entry.op}`, () =>
        rule.backward({
          g: this.graph,
          inputs: entry.inputs,
          output: entry.output,
          attrs: entry.attrs,
          gradOutput,
          needsGrad,
        }),
      );
      entry.inputs.forEach((input, k) => {
        if (!needsGrad[k]) return;
        const grad = inputGrads[k];
        if (!grad)
          throw new GraphBuildError(`op "${entry.op}": gradient rule returned nothing for input ${k} (${input.name})`);
        accumulate(input, grad);
      });
    }
    return wrt.map((t) => {
      const grad = grads.get(t.name);
      if (!t.requiresGrad || !grad)
        throw new GraphBuildError(`gradients: "${t.name}" does not influence "${of.name}" through differentiable ops`);
      return grad;
    });
  }
}
