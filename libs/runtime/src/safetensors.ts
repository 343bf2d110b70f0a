/**
 * safetensors read/write (https://github.com/huggingface/safetensors): an 8-byte little-endian u64 header length N,
 * N bytes of JSON header `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__: {...} }`, then raw
 * little-endian data. Only F32 is used by this project, so only F32 is accepted.
 *
 * Tensors are written in the order given (manifest order) and the header is padded with spaces to a multiple of 8,
 * so the data section is aligned and, for a checkpoint, IS the contiguous parameter buffer. Decoding returns
 * Float32Array views over the input bytes when they are 4-byte aligned (zero copy), a copy otherwise.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { SafetensorsFormatError } from './errors';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsContent {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

/** Same bound as the reference implementation: a header this large is corruption, not a model. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
const HEADER_ALIGNMENT = 8;
const F32_BYTES = 4;

if (endianness() !== 'LE') {
  // Float32Array views would read big-endian values; every supported platform (x64, arm64) is little-endian.
  throw new Error('@fedstroke/runtime safetensors support needs a little-endian host');
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Encodes tensors (in the given order, contiguous) and optional string metadata into one safetensors buffer. */
export function encodeSafetensors(tensors: NamedTensor[], metadata?: Record<string, string>): Buffer {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (metadata && Object.keys(metadata).length > 0) header[METADATA_KEY] = { ...metadata };
  let offset = 0;
  for (const tensor of tensors) {
    if (tensor.name === METADATA_KEY || tensor.name in header) {
      throw new SafetensorsFormatError('encode', `tensor name "${tensor.name}" is reserved or repeated`);
    }
    const count = elementCount(tensor.shape);
    if (count !== tensor.data.length) {
      throw new SafetensorsFormatError(
        'encode',
        `tensor "${tensor.name}" has shape [${tensor.shape.join(',')}] (${count} elements) but ${tensor.data.length} values`,
      );
    }
    const end = offset + count * F32_BYTES;
    header[tensor.name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, end] };
    offset = end;
  }
  const json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  const headerLength = Math.ceil(jsonBytes / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
  const out = Buffer.alloc(8 + headerLength + offset);
  out.writeBigUInt64LE(BigInt(headerLength), 0);
  out.write(json, 8, 'utf8');
  out.fill(0x20, 8 + jsonBytes, 8 + headerLength); // space padding keeps the header valid JSON
  let cursor = 8 + headerLength;
  for (const tensor of tensors) {
    const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    out.set(bytes, cursor);
    cursor += bytes.length;
  }
  return out;
}

/** Decodes a safetensors buffer; `source` (usually the file path) is named in every error. */
export function decodeSafetensors(bytes: Uint8Array, source: string): SafetensorsContent {
  if (bytes.length < 8)
    throw new SafetensorsFormatError(source, `truncated: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsFormatError(source, `header length ${declared} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length) {
    throw new SafetensorsFormatError(
      source,
      `header length ${headerLength} goes beyond the end of the file (${bytes.length} bytes): truncated`,
    );
  }
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), source);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  let metadata: Record<string, string> = {};
  const entries: Array<{ name: string; entry: HeaderEntry }> = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = checkMetadata(value, source);
    else entries.push({ name, entry: checkEntry(name, value, dataLength, source) });
  }
  entries.sort((a, b) => a.entry.data_offsets[0] - b.entry.data_offsets[0]);
  let expectedBegin = 0;
  for (const { name, entry } of entries) {
    if (entry.data_offsets[0] !== expectedBegin) {
      throw new SafetensorsFormatError(
        source,
        `tensor "${name}" starts at byte ${entry.data_offsets[0]}, expected ${expectedBegin} (gap or overlap)`,
      );
    }
    expectedBegin = entry.data_offsets[1];
  }
  if (expectedBegin !== dataLength) {
    throw new SafetensorsFormatError(
      source,
      `tensors cover ${expectedBegin} data bytes but the data section holds ${dataLength}${expectedBegin > dataLength ? ' (truncated)' : ''}`,
    );
  }

  const tensors = entries.map(({ name, entry }) => {
    const begin = bytes.byteOffset + dataStart + entry.data_offsets[0];
    const count = (entry.data_offsets[1] - entry.data_offsets[0]) / F32_BYTES;
    const data =
      begin % F32_BYTES === 0
        ? new Float32Array(bytes.buffer, begin, count)
        : new Float32Array(bytes.slice(dataStart + entry.data_offsets[0], dataStart + entry.data_offsets[1]).buffer);
    return { name, shape: entry.shape, data };
  });
  return { tensors, metadata };
}

function parseHeader(headerBytes: Uint8Array, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      Buffer.from(headerBytes.buffer, headerBytes.byteOffset, headerBytes.byteLength).toString('utf8'),
    );
  } catch (error) {
    throw new SafetensorsFormatError(source, `header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SafetensorsFormatError(source, 'header JSON is not an object');
  }
  return parsed as Record<string, unknown>;
}

function checkMetadata(value: unknown, source: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SafetensorsFormatError(source, '__metadata__ is not an object of strings');
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new SafetensorsFormatError(source, `__metadata__.${key} is not a string`);
  }
  return { ...(value as Record<string, string>) };
}

function checkEntry(name: string, value: unknown, dataLength: number, source: string): HeaderEntry {
  const entry = value as Partial<HeaderEntry> | null;
  if (typeof entry !== 'object' || entry === null)
    throw new SafetensorsFormatError(source, `tensor "${name}" has no header entry object`);
  if (entry.dtype !== 'F32') {
    throw new SafetensorsFormatError(
      source,
      `tensor "${name}" has dtype ${String(entry.dtype)}; only F32 is supported`,
    );
  }
  const shape = entry.shape;
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw new SafetensorsFormatError(source, `tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
  }
  const offsets = entry.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new SafetensorsFormatError(source, `tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets;
  if (end < begin || end > dataLength) {
    throw new SafetensorsFormatError(
      source,
      `tensor "${name}" data_offsets [${begin}, ${end}] are out of range of the ${dataLength}-byte data section`,
    );
  }
  if (end - begin !== elementCount(shape) * F32_BYTES) {
    throw new SafetensorsFormatError(
      source,
      `tensor "${name}" spans ${end - begin} bytes but shape [${shape.join(',')}] needs ${elementCount(shape) * F32_BYTES}`,
    );
  }
  return { dtype: 'F32', shape: [...shape], data_offsets: [begin, end] };
}

/** Writes atomically: a temporary file beside the target, then rename, so readers never see half a checkpoint. */
export async function writeSafetensors(
  path: string,
  tensors: NamedTensor[],
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function readSafetensors(path: string): Promise<SafetensorsContent> {
  return decodeSafetensors(await readFile(path), path);
}
