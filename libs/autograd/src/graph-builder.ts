import { GraphBuildError } from './errors';
import { Lowering, LOWERINGS } from './lowering';
import { AttributeValue, ElemType, encodeModel, NodeProto, TensorProto, ValueInfoProto } from './onnx/model-proto';
import { Dim, Tensor } from './tensor';

export interface InputOptions {
  elemType?: ElemType;
  requiresGrad?: boolean;
}

export type Attributes = Record<string, AttributeValue>;

/**
 * Accumulates ONNX nodes, constants and graph inputs/outputs, naming every value deterministically
 * (`<scope>/<Op>_<counter>`), then serializes the whole to a ModelProto. It knows nothing about gradients: the
 * autodiff tape (autodiff.ts) drives it for both the forward and the backward graph.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly usedNames = new Set<string>();
  private readonly constants = new Map<string, Tensor>();
  private readonly scopes: string[] = [];
  private counter = 0;

  /** `lowering`: how provider-dependent ops are emitted (lowering.ts); the op rules read it. */
  constructor(readonly lowering: Lowering = LOWERINGS.cpu) {}

  /** Runs `build` with `name` appended to the name prefix of every value it creates (readable graphs). */
  scoped<T>(name: string, build: () => T): T {
    this.scopes.push(name);
    try {
      return build();
    } finally {
      this.scopes.pop();
    }
  }

  private claim(name: string): string {
    if (this.usedNames.has(name)) throw new GraphBuildError(`value name "${name}" is defined twice in the graph`);
    this.usedNames.add(name);
    return name;
  }

  private freshName(hint: string): string {
    const prefix = this.scopes.length > 0 ? `${this.scopes.join('/')}/` : '';
    return this.claim(`${prefix}${hint}_${this.counter++}`);
  }

  input(name: string, shape: readonly Dim[], options: InputOptions = {}): Tensor {
    const elemType = options.elemType ?? ElemType.Float;
    this.inputs.push({ name: this.claim(name), elemType, shape });
    return { name, shape, elemType, requiresGrad: options.requiresGrad ?? false };
  }

  /** Declares `tensor` as a graph output called `name` (through an Identity, which ORT removes). */
  output(tensor: Tensor, name: string): void {
    this.nodes.push({
      opType: 'Identity',
      name: `${name}/Identity`,
      inputs: [tensor.name],
      outputs: [this.claim(name)],
      attributes: [],
    });
    this.outputs.push({ name, elemType: tensor.elemType, shape: tensor.shape });
  }

  private constant(elemType: ElemType, dims: readonly number[], raw: Uint8Array, key: string): Tensor {
    const cached = this.constants.get(key);
    if (cached) return cached;
    const name = this.claim(`const_${this.constants.size}`);
    this.initializers.push({ name, elemType, dims, raw });
    const tensor: Tensor = { name, shape: dims, elemType, requiresGrad: false };
    this.constants.set(key, tensor);
    return tensor;
  }

  /** A float32 constant; `dims` default to a scalar. */
  floats(values: readonly number[], dims: readonly number[] = []): Tensor {
    const data = Float32Array.from(values);
    return this.constant(ElemType.Float, dims, new Uint8Array(data.buffer), `f:${dims.join(',')}:${values.join(',')}`);
  }

  scalar(value: number): Tensor {
    return this.floats([value]);
  }

  /** A 1-D int64 constant (shapes, axes, slice bounds). */
  int64s(values: readonly number[]): Tensor {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.constant(ElemType.Int64, [values.length], new Uint8Array(data.buffer), `i:${values.join(',')}`);
  }

  /** Emits one node with several outputs. */
  opMulti(
    opType: string,
    inputs: ReadonlyArray<Tensor | undefined>,
    attributes: Attributes,
    outputShapes: ReadonlyArray<readonly Dim[]>,
    elemType: ElemType = ElemType.Float,
  ): Tensor[] {
    const outputs = outputShapes.map((shape) => ({
      name: this.freshName(opType),
      shape,
      elemType,
      requiresGrad: false,
    }));
    this.nodes.push({
      opType,
      name: `${outputs[0].name}/node`,
      inputs: inputs.map((t) => t?.name ?? ''),
      outputs: outputs.map((t) => t.name),
      attributes: Object.entries(attributes),
    });
    return outputs;
  }

  /** Emits one node with one output of the given shape. */
  op(
    opType: string,
    inputs: ReadonlyArray<Tensor | undefined>,
    attributes: Attributes,
    shape: readonly Dim[],
    elemType: ElemType = ElemType.Float,
  ): Tensor {
    return this.opMulti(opType, inputs, attributes, [shape], elemType)[0];
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Serializes the graph; `docString` records what produced it. */
  toModel(graphName: string, docString = ''): Uint8Array {
    if (this.outputs.length === 0) throw new GraphBuildError(`graph "${graphName}" has no outputs`);
    return encodeModel({
      producerName: 'fedstroke-autograd',
      producerVersion: '1',
      docString,
      graph: {
        name: graphName,
        nodes: this.nodes,
        initializers: this.initializers,
        inputs: this.inputs,
        outputs: this.outputs,
      },
    });
  }
}
