/**
 * The subset of onnx.proto the autograd emitter writes, as plain data, and its protobuf encoding.
 * Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto, TypeProto.Tensor, TensorShapeProto).
 */
import { ProtoWriter } from './protobuf-writer';

export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

/** TensorProto.DataType values used here. */
export enum ElemType {
  Float = 1,
  Int64 = 7,
  Bool = 9,
}

/** AttributeProto.AttributeType values used here. */
enum AttributeType {
  Float = 1,
  Int = 2,
  String = 3,
  Floats = 6,
  Ints = 7,
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] };

export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
};

export interface NodeProto {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Written in key order as given; callers build them in a fixed order. */
  attributes: ReadonlyArray<readonly [string, AttributeValue]>;
}

export interface TensorProto {
  name: string;
  elemType: ElemType;
  dims: readonly number[];
  /** Little-endian raw bytes (TensorProto.raw_data). */
  raw: Uint8Array;
}

export type ShapeDim = number | string;

export interface ValueInfoProto {
  name: string;
  elemType: ElemType;
  shape: readonly ShapeDim[];
}

export interface GraphProto {
  name: string;
  nodes: readonly NodeProto[];
  initializers: readonly TensorProto[];
  inputs: readonly ValueInfoProto[];
  outputs: readonly ValueInfoProto[];
}

export interface ModelProto {
  producerName: string;
  producerVersion: string;
  docString: string;
  graph: GraphProto;
}

function writeAttribute(w: ProtoWriter, name: string, a: AttributeValue): void {
  w.string(1, name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value).int(20, AttributeType.Float);
      break;
    case 'int':
      w.int(3, a.value).int(20, AttributeType.Int);
      break;
    case 'string':
      w.string(4, a.value).int(20, AttributeType.String);
      break;
    case 'floats':
      for (const v of a.value) w.float(7, v);
      w.int(20, AttributeType.Floats);
      break;
    case 'ints':
      for (const v of a.value) w.int(8, v);
      w.int(20, AttributeType.Ints);
      break;
  }
}

function writeNode(w: ProtoWriter, node: NodeProto): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of node.attributes) w.message(5, (a) => writeAttribute(a, name, value));
}

function writeTensor(w: ProtoWriter, tensor: TensorProto): void {
  for (const d of tensor.dims) w.int(1, d);
  w.int(2, tensor.elemType);
  w.string(8, tensor.name);
  w.bytes(9, tensor.raw);
}

function writeValueInfo(w: ProtoWriter, info: ValueInfoProto): void {
  w.string(1, info.name);
  // TypeProto.tensor_type (1) -> TypeProto.Tensor { elem_type (1), shape (2) -> TensorShapeProto { dim (1) } }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, info.elemType);
      tensor.message(2, (shape) => {
        for (const d of info.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, graph: GraphProto): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node));
  w.string(2, graph.name);
  for (const init of graph.initializers) w.message(5, (t) => writeTensor(t, init));
  for (const input of graph.inputs) w.message(11, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(12, (v) => writeValueInfo(v, output));
}

/** Serializes a model with ir_version 8 and the default-domain opset 17. */
export function encodeModel(model: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (g) => writeGraph(g, model.graph));
  w.message(8, (opset) => opset.string(1, '').int(2, OPSET_VERSION));
  return w.finish();
}
