/**
 * Parses NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers from bytes, in either byte order, and picks the
 * voxel → world affine the way the standard says: sform when sform_code > 0, else qform when qform_code > 0,
 * else plain pixdim scaling (NIfTI "method 1").
 */
import { affineColumnNorms, affineDeterminant3, affineFromRows, identityAffine } from './affine';
import { datatypeFromCode, describeDatatypeCode } from './datatypes';
import { NiftiError } from './errors';
import { qformToAffine } from './quaternion';
import type { Affine, NiftiDatatype, Vec3 } from './volume';

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;

export interface NiftiHeader {
  /** The file it came from. */
  path: string;
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7] exactly as stored. */
  dims: number[];
  /** [nx, ny, nz] (nz = 1 for a 2-D file). */
  shape: Vec3;
  /** Number of 3-D frames (the product of dim[4..dim[0]]); 1 for a 3-D file. */
  frames: number;
  /** pixdim[0..7] exactly as stored. */
  pixdim: number[];
  datatypeCode: number;
  /** Supported datatype name, or undefined when the file holds something we cannot decode. */
  datatype: NiftiDatatype | undefined;
  /** Readable datatype for messages and `inspect`, e.g. "float64 (code 64)" or "complex64 (code 32)". */
  datatypeDescription: string;
  bitpix: number;
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  /** The qform matrix when qform_code > 0. */
  qform: Affine | undefined;
  /** The sform matrix when sform_code > 0. */
  sform: Affine | undefined;
  /** The affine in use and where it came from. */
  affine: Affine;
  affineSource: 'sform' | 'qform' | 'pixdim';
  /** Column norms of `affine`. */
  spacing: Vec3;
  xyztUnits: number;
  description: string;
}

/** Byte offsets of the fields we read, per version (nifti1.h / nifti2.h). */
// prettier-ignore
const LAYOUT = {
  1: { magic: 344, dim: 40, datatype: 70, bitpix: 72, pixdim: 76, voxOffset: 108, slope: 112, inter: 116,
       units: 123, descrip: 148, qformCode: 252, sformCode: 254, quatern: 256, srow: 280 },
  2: { magic: 4, dim: 16, datatype: 12, bitpix: 14, pixdim: 104, voxOffset: 168, slope: 176, inter: 184,
       units: 500, descrip: 240, qformCode: 344, sformCode: 348, quatern: 352, srow: 400 },
} as const;

/** Which version and byte order a header is, judged by sizeof_hdr (348 or 540) and then the magic string. */
function detectVersion(bytes: Uint8Array, path: string): { version: 1 | 2; littleEndian: boolean } {
  if (bytes.length < 4) {
    throw new NiftiError('NIFTI_TRUNCATED', path, `expected a NIfTI header, found only ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size !== NIFTI1_HEADER_BYTES && size !== NIFTI2_HEADER_BYTES) continue;
    const version = size === NIFTI1_HEADER_BYTES ? 1 : 2;
    if (bytes.length < size) {
      throw new NiftiError(
        'NIFTI_TRUNCATED',
        path,
        `expected a ${size}-byte NIfTI-${version} header, found only ${bytes.length} bytes`,
      );
    }
    const magic = String.fromCharCode(...bytes.subarray(LAYOUT[version].magic, LAYOUT[version].magic + 4));
    const single = version === 1 ? 'n+1\0' : 'n+2\0';
    const pair = version === 1 ? 'ni1\0' : 'ni2\0';
    if (magic === pair) {
      throw new NiftiError(
        'NIFTI_BAD_MAGIC',
        path,
        `is the header of a .hdr/.img pair (magic "ni${version}"); only single-file .nii / .nii.gz is supported`,
      );
    }
    if (magic !== single) {
      throw new NiftiError(
        'NIFTI_BAD_MAGIC',
        path,
        `expected NIfTI-${version} magic "n+${version}", found ${JSON.stringify(magic)} (an ANALYZE 7.5 file or a damaged header)`,
      );
    }
    return { version, littleEndian };
  }
  const found = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new NiftiError(
    'NIFTI_BAD_MAGIC',
    path,
    `not a NIfTI file: expected sizeof_hdr 348 (NIfTI-1) or 540 (NIfTI-2) in the first 4 bytes, found bytes ${found}`,
  );
}

/** Typed access to one header's fields, hiding NIfTI-1 (int16 / float32) versus NIfTI-2 (int64 / float64) widths. */
class HeaderFields {
  readonly at: (typeof LAYOUT)[1 | 2];

  constructor(
    private readonly view: DataView,
    readonly version: 1 | 2,
    readonly littleEndian: boolean,
  ) {
    this.at = LAYOUT[version];
  }

  /** dim[] and vox_offset style integers. */
  ints(offset: number, count: number): number[] {
    return Array.from({ length: count }, (_, i) =>
      this.version === 1
        ? this.view.getInt16(offset + 2 * i, this.littleEndian)
        : Number(this.view.getBigInt64(offset + 8 * i, this.littleEndian)),
    );
  }

  reals(offset: number, count: number): number[] {
    return Array.from({ length: count }, (_, i) =>
      this.version === 1
        ? this.view.getFloat32(offset + 4 * i, this.littleEndian)
        : this.view.getFloat64(offset + 8 * i, this.littleEndian),
    );
  }

  real(offset: number): number {
    return this.reals(offset, 1)[0];
  }

  /** qform_code / sform_code / xyzt_units: int16 / uint8 in NIfTI-1, int32 in NIfTI-2. */
  code(offset: number, narrow: 'int16' | 'uint8' = 'int16'): number {
    if (this.version === 2) return this.view.getInt32(offset, this.littleEndian);
    return narrow === 'uint8' ? this.view.getUint8(offset) : this.view.getInt16(offset, this.littleEndian);
  }

  int16(offset: number): number {
    return this.view.getInt16(offset, this.littleEndian);
  }

  voxOffset(): number {
    return this.version === 1
      ? this.view.getFloat32(this.at.voxOffset, this.littleEndian)
      : Number(this.view.getBigInt64(this.at.voxOffset, this.littleEndian));
  }
}

function parseDims(fields: HeaderFields, path: string): Pick<NiftiHeader, 'dims' | 'shape' | 'frames'> {
  const dims = fields.ints(fields.at.dim, 8);
  const rank = dims[0];
  if (rank < 1 || rank > 7) {
    throw new NiftiError('NIFTI_BAD_HEADER', path, `expected dim[0] (number of dimensions) in 1..7, found ${rank}`);
  }
  for (let i = 1; i <= rank; i++) {
    if (dims[i] < 1) {
      throw new NiftiError(
        'NIFTI_BAD_HEADER',
        path,
        `expected dim[${i}] >= 1, found ${dims[i]} (dims ${dims.join(',')})`,
      );
    }
  }
  const extent = (i: number) => (i <= rank ? dims[i] : 1);
  let frames = 1;
  for (let i = 4; i <= rank; i++) frames *= dims[i];
  return { dims, shape: [extent(1), extent(2), extent(3)], frames };
}

/**
 * A transform the header declares (code > 0) must hold finite numbers: a NaN offset would place every voxel nowhere
 * and surface much later as "differ by up to NaN mm".
 */
function assertFinite(path: string, what: string, names: string[], values: number[]): void {
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad < 0) return;
  throw new NiftiError(
    'NIFTI_BAD_AFFINE',
    path,
    `${what} holds ${values[bad]} in ${names[bad]}; expected finite numbers (the voxel → world transform is unusable)`,
  );
}

function parseTransforms(fields: HeaderFields, pixdim: number[], path: string) {
  const { at } = fields;
  const qformCode = fields.code(at.qformCode);
  const sformCode = fields.code(at.sformCode);
  const [quaternB, quaternC, quaternD, ...qoffset] = fields.reals(at.quatern, 6);
  if (qformCode > 0) {
    assertFinite(
      path,
      `qform (qform_code ${qformCode})`,
      ['quatern_b', 'quatern_c', 'quatern_d', 'qoffset_x', 'qoffset_y', 'qoffset_z'],
      [quaternB, quaternC, quaternD, ...qoffset],
    );
  }
  const qform =
    qformCode > 0
      ? qformToAffine({
          quaternB,
          quaternC,
          quaternD,
          qoffset: qoffset as Vec3,
          pixdim: [pixdim[1], pixdim[2], pixdim[3]],
          qfac: pixdim[0] < 0 ? -1 : 1,
        })
      : undefined;
  const srows = fields.reals(at.srow, 12);
  if (sformCode > 0) {
    const names = srows.map((_, i) => `srow_${'xyz'[Math.floor(i / 4)]}[${i % 4}]`);
    assertFinite(path, `sform (sform_code ${sformCode})`, names, srows);
  }
  const sform = sformCode > 0 ? affineFromRows([srows.slice(0, 4), srows.slice(4, 8), srows.slice(8, 12)]) : undefined;
  return { qformCode, sformCode, qform, sform };
}

export function parseNiftiHeader(bytes: Uint8Array, path: string): NiftiHeader {
  const { version, littleEndian } = detectVersion(bytes, path);
  const fields = new HeaderFields(
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    version,
    littleEndian,
  );
  const { at } = fields;
  const headerBytes = version === 1 ? NIFTI1_HEADER_BYTES : NIFTI2_HEADER_BYTES;
  const voxOffset = fields.voxOffset();
  if (!Number.isInteger(voxOffset) || voxOffset < headerBytes) {
    throw new NiftiError(
      'NIFTI_BAD_HEADER',
      path,
      `expected an integral vox_offset of at least ${headerBytes}, found ${voxOffset}`,
    );
  }
  const pixdim = fields.reals(at.pixdim, 8);
  const transforms = parseTransforms(fields, pixdim, path);
  const { affine, affineSource } = chooseAffine(transforms.sform, transforms.qform, pixdim);
  const determinant = affineDeterminant3(affine);
  if (!(Math.abs(determinant) > 0) || !affine.every(Number.isFinite)) {
    throw new NiftiError(
      'NIFTI_BAD_AFFINE',
      path,
      `the ${affineSource} voxel → world transform is singular or not finite (determinant ${determinant}); ` +
        'expected three independent voxel axes of non-zero length',
    );
  }
  const datatypeCode = fields.int16(at.datatype);
  const descrip = bytes.subarray(at.descrip, at.descrip + 80);
  const nul = descrip.indexOf(0);
  return {
    path,
    version,
    littleEndian,
    ...parseDims(fields, path),
    pixdim,
    datatypeCode,
    datatype: datatypeFromCode(datatypeCode),
    datatypeDescription: describeDatatypeCode(datatypeCode),
    bitpix: fields.int16(at.bitpix),
    voxOffset,
    sclSlope: fields.real(at.slope),
    sclInter: fields.real(at.inter),
    ...transforms,
    affine,
    affineSource,
    spacing: affineColumnNorms(affine),
    xyztUnits: fields.code(at.units, 'uint8'),
    description: String.fromCharCode(...(nul >= 0 ? descrip.subarray(0, nul) : descrip)),
  };
}

function chooseAffine(
  sform: Affine | undefined,
  qform: Affine | undefined,
  pixdim: number[],
): { affine: Affine; affineSource: NiftiHeader['affineSource'] } {
  if (sform) return { affine: sform, affineSource: 'sform' };
  if (qform) return { affine: qform, affineSource: 'qform' };
  // Method 1 of the standard: scaling only, no rotation, origin at voxel 0. Zero pixdims would make the grid
  // singular, so they count as 1 mm.
  const affine = identityAffine();
  for (let i = 0; i < 3; i++) affine[i * 5] = pixdim[i + 1] > 0 ? pixdim[i + 1] : 1;
  return { affine, affineSource: 'pixdim' };
}
