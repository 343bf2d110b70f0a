import type { NiftiDatatype } from './volume';

/** NIfTI datatype codes (nifti1.h) for the types this project reads and writes. */
export const DATATYPE_CODES: Readonly<Record<NiftiDatatype, number>> = {
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  float64: 64,
  uint16: 512,
};

export const BYTES_PER_VOXEL: Readonly<Record<NiftiDatatype, number>> = {
  uint8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
  uint16: 2,
};

/** Names of the codes nifti1.h defines that we do not decode, so errors can say what the file holds. */
const OTHER_DATATYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'rgb24',
  256: 'int8',
  768: 'uint32',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

const BY_CODE = new Map<number, NiftiDatatype>(
  Object.entries(DATATYPE_CODES).map(([name, code]) => [code, name as NiftiDatatype]),
);

export const SUPPORTED_DATATYPES = Object.keys(DATATYPE_CODES) as NiftiDatatype[];

/** The supported datatype for a code, or undefined. */
export function datatypeFromCode(code: number): NiftiDatatype | undefined {
  return BY_CODE.get(code);
}

/** A readable name for any code, supported or not ("complex64 (code 32)"). */
export function describeDatatypeCode(code: number): string {
  const name = BY_CODE.get(code) ?? OTHER_DATATYPE_NAMES[code] ?? 'unknown';
  return `${name} (code ${code})`;
}
