/**
 * Decodes raw voxel bytes of any supported datatype and byte order into float32, applying scl_slope/scl_inter.
 */
import { BYTES_PER_VOXEL } from './datatypes';
import type { NiftiDatatype } from './volume';

type TypedArrayCtor =
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

const ARRAY_TYPES: Readonly<Record<NiftiDatatype, TypedArrayCtor>> = {
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The raw values as a typed array of the on-disk type. Uses a zero-copy view when alignment and byte order
 * allow; otherwise copies (and byte-swaps for big-endian files) once.
 */
function rawValues(bytes: Uint8Array, datatype: NiftiDatatype, count: number, littleEndian: boolean) {
  const Ctor = ARRAY_TYPES[datatype];
  const width = BYTES_PER_VOXEL[datatype];
  const aligned = bytes.byteOffset % width === 0 ? bytes : bytes.slice();
  const values = new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, count);
  if (littleEndian === HOST_LITTLE_ENDIAN || width === 1) return values;
  const swapped = new Uint8Array(count * width);
  for (let v = 0; v < count; v++) {
    for (let b = 0; b < width; b++) swapped[v * width + b] = aligned[v * width + (width - 1 - b)];
  }
  return new Ctor(swapped.buffer, 0, count);
}

/**
 * float32 voxel values from `count` voxels starting at bytes[0]. A slope of 0 or non-finite means "no scaling"
 * (nifti1.h), and the intercept is then ignored too; a non-finite intercept counts as 0.
 */
export function decodeVoxels(
  bytes: Uint8Array,
  datatype: NiftiDatatype,
  count: number,
  littleEndian: boolean,
  sclSlope: number,
  sclInter: number,
): Float32Array {
  const values = rawValues(bytes, datatype, count, littleEndian);
  const out = new Float32Array(count);
  const scaled = sclSlope !== 0 && Number.isFinite(sclSlope);
  const slope = scaled ? sclSlope : 1;
  const inter = scaled && Number.isFinite(sclInter) ? sclInter : 0;
  if (slope === 1 && inter === 0) {
    out.set(values);
    return out;
  }
  for (let v = 0; v < count; v++) out[v] = values[v] * slope + inter;
  return out;
}
