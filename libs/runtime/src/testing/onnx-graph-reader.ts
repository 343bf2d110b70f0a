/**
 * A minimal ONNX ModelProto reader for tests: the graph's nodes (name, op type, inputs, outputs, Cast's `to`), its
 * initializers' and inputs' element types, decoded from the protobuf wire format (field numbers of onnx.proto3).
 * Enough to tell which values of an ORT-optimized model are int64 shape arithmetic.
 */
export interface GraphNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  /** Cast's target element type. */
  castTo?: number;
}

export interface GraphSummary {
  nodes: GraphNode[];
  /** Element type of every initializer and graph input, by name. */
  valueTypes: Map<string, number>;
}

export const ELEM_INT64 = 7;

interface Field {
  field: number;
  wire: number;
  value: number | Uint8Array;
}

function* fields(bytes: Uint8Array): Generator<Field> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[pos++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { field, wire, value: varint() };
    else if (wire === 2) {
      const length = varint();
      yield { field, wire, value: bytes.subarray(pos, pos + length) };
      pos += length;
    } else if (wire === 5) pos += 4;
    else if (wire === 1) pos += 8;
    else throw new Error(`onnx-graph-reader: unsupported wire type ${wire} at byte ${pos}`);
  }
}

const text = (value: number | Uint8Array): string => Buffer.from(value as Uint8Array).toString('utf8');
const sub = (bytes: Uint8Array, field: number): Uint8Array[] =>
  [...fields(bytes)].filter((f) => f.field === field && f.wire === 2).map((f) => f.value as Uint8Array);
const int = (bytes: Uint8Array, field: number): number | undefined =>
  [...fields(bytes)].find((f) => f.field === field && f.wire === 0)?.value as number | undefined;

function readNode(bytes: Uint8Array): GraphNode {
  const node: GraphNode = { name: '', opType: '', inputs: [], outputs: [] };
  for (const f of fields(bytes)) {
    if (f.field === 1) node.inputs.push(text(f.value));
    else if (f.field === 2) node.outputs.push(text(f.value));
    else if (f.field === 3) node.name = text(f.value);
    else if (f.field === 4) node.opType = text(f.value);
    else if (f.field === 5) {
      const attribute = f.value as Uint8Array;
      const name = sub(attribute, 1).map(text)[0];
      if (name === 'to') node.castTo = int(attribute, 3);
    }
  }
  return node;
}

/** ModelProto.graph (7): node (1), initializer (5: name 8, data_type 2), input (11: name 1, type.tensor_type.elem_type). */
export function readGraph(model: Uint8Array): GraphSummary {
  const graph = sub(model, 7)[0];
  if (!graph) throw new Error('onnx-graph-reader: the model has no graph');
  const valueTypes = new Map<string, number>();
  for (const tensor of sub(graph, 5)) valueTypes.set(text(sub(tensor, 8)[0] ?? new Uint8Array()), int(tensor, 2) ?? 0);
  for (const input of sub(graph, 11)) {
    const tensorType = sub(sub(input, 2)[0] ?? new Uint8Array(), 1)[0];
    valueTypes.set(text(sub(input, 1)[0]), tensorType ? (int(tensorType, 1) ?? 0) : 0);
  }
  return { nodes: sub(graph, 1).map(readNode), valueTypes };
}

/** Ops that keep int64 when their data inputs are int64 (shape arithmetic). */
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Concat', 'Neg', 'Equal']);
const DATA_FIRST = new Set(['Gather', 'Slice', 'Unsqueeze', 'Squeeze', 'Reshape', 'Identity', 'Expand', 'Flatten']);

/** The names of the int64 values of a graph: shape outputs and everything computed from them (fixpoint). */
export function int64Values(graph: GraphSummary): Set<string> {
  const int64 = new Set([...graph.valueTypes].filter(([, type]) => type === ELEM_INT64).map(([name]) => name));
  for (let changed = true; changed;) {
    changed = false;
    for (const node of graph.nodes) {
      const data = node.inputs.filter(Boolean);
      const isInt64 =
        node.opType === 'Shape' ||
        node.opType === 'Size' ||
        (node.opType === 'Cast' && node.castTo === ELEM_INT64) ||
        (ELEMENTWISE.has(node.opType) && data.length > 0 && data.every((i) => int64.has(i))) ||
        (DATA_FIRST.has(node.opType) && int64.has(data[0]));
      if (!isInt64) continue;
      for (const output of node.outputs) {
        if (!int64.has(output)) {
          int64.add(output);
          changed = true;
        }
      }
    }
  }
  return int64;
}
