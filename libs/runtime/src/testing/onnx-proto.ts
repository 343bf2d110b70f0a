/**
 * A minimal ONNX ModelProto encoder for test fixtures: just enough protobuf (varints, length-delimited fields) to
 * write small graphs by hand, so libs/runtime can be tested against real ONNX Runtime sessions without depending on
 * the artifact generator. Field numbers follow onnx/onnx.proto3.
 */
type Bytes = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const concat = (parts: Bytes[]): Bytes => Buffer.concat(parts);
const key = (field: number, wireType: number): number[] => varint((field << 3) | wireType);
const intField = (field: number, value: number): Bytes => Uint8Array.from([...key(field, 0), ...varint(value)]);
const bytesField = (field: number, payload: Bytes): Bytes =>
  concat([Uint8Array.from([...key(field, 2), ...varint(payload.length)]), payload]);
const stringField = (field: number, text: string): Bytes => bytesField(field, Buffer.from(text, 'utf8'));
function floatField(field: number, value: number): Bytes {
  const out = Buffer.alloc(4);
  out.writeFloatLE(value, 0);
  return concat([Uint8Array.from(key(field, 5)), out]);
}

export const ELEM_FLOAT = 1;
export const ELEM_INT64 = 7;

export type Dim = number | string;
export interface ValueInfo {
  name: string;
  elemType?: number;
  /** Omitted: rank unknown (fine for outputs). */
  shape?: Dim[];
}
export type AttributeValue = { int: number } | { float: number } | { ints: number[] };
export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
}
export interface Int64Initializer {
  name: string;
  values: number[];
}

function valueInfo(info: ValueInfo): Bytes {
  const dims = (info.shape ?? []).map((dim) =>
    bytesField(1, typeof dim === 'number' ? intField(1, dim) : stringField(2, dim)),
  );
  const tensorType = concat([
    intField(1, info.elemType ?? ELEM_FLOAT),
    ...(info.shape ? [bytesField(2, concat(dims))] : []),
  ]);
  return concat([stringField(1, info.name), bytesField(2, bytesField(1, tensorType))]);
}

function attribute(name: string, value: AttributeValue): Bytes {
  if ('int' in value) return concat([stringField(1, name), intField(3, value.int), intField(20, 2)]);
  if ('float' in value) return concat([stringField(1, name), floatField(2, value.float), intField(20, 1)]);
  return concat([stringField(1, name), ...value.ints.map((i) => intField(8, i)), intField(20, 7)]);
}

function node(spec: NodeSpec, index: number): Bytes {
  return concat([
    ...spec.inputs.map((input) => stringField(1, input)),
    ...spec.outputs.map((output) => stringField(2, output)),
    stringField(3, `${spec.op}_${index}`),
    stringField(4, spec.op),
    ...Object.entries(spec.attributes ?? {}).map(([name, value]) => bytesField(5, attribute(name, value))),
  ]);
}

function int64Tensor(init: Int64Initializer): Bytes {
  const raw = Buffer.alloc(init.values.length * 8);
  init.values.forEach((v, i) => raw.writeBigInt64LE(BigInt(v), i * 8));
  return concat([
    intField(1, init.values.length),
    intField(2, ELEM_INT64),
    stringField(8, init.name),
    bytesField(9, raw),
  ]);
}

export interface GraphSpec {
  name: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: NodeSpec[];
  initializers?: Int64Initializer[];
  opset?: number;
}

/** Serialises a graph to ModelProto bytes (IR version 8, default domain at the given opset). */
export function encodeModel(graph: GraphSpec): Uint8Array {
  const graphBytes = concat([
    ...graph.nodes.map((spec, i) => bytesField(1, node(spec, i))),
    stringField(2, graph.name),
    ...(graph.initializers ?? []).map((init) => bytesField(5, int64Tensor(init))),
    ...graph.inputs.map((info) => bytesField(11, valueInfo(info))),
    ...graph.outputs.map((info) => bytesField(12, valueInfo(info))),
  ]);
  return concat([
    intField(1, 8),
    stringField(2, 'fedstroke-test-fixture'),
    bytesField(7, graphBytes),
    bytesField(8, concat([stringField(1, ''), intField(2, graph.opset ?? 17)])),
  ]);
}
