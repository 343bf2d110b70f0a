/**
 * Test oracle: a NIfTI header as nifti-reader-js (an independent reader; ESM-only, so in a child Node process) reads
 * it: dims, datatype, xform codes, its affine, display range and intent.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

export interface ReferenceHeader {
  dims: number[];
  datatypeCode: number;
  qformCode: number;
  sformCode: number;
  affine: number[][];
  calMin: number;
  calMax: number;
  intentCode: number;
  intentName: string;
}

export function referenceHeader(file: string): ReferenceHeader {
  const script = `
    import * as nifti from 'nifti-reader-js';
    import { readFileSync } from 'node:fs';
    const buf = readFileSync(process.argv[1]);
    let data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
    if (nifti.isCompressed(data)) data = nifti.decompress(data);
    const h = nifti.readHeader(data);
    console.log(JSON.stringify({ dims: h.dims, datatypeCode: h.datatypeCode, qformCode: h.qform_code,
      sformCode: h.sform_code, affine: h.affine, calMin: h.cal_min, calMax: h.cal_max, intentCode: h.intent_code,
      intentName: h.intent_name }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script, file], { cwd: ROOT }).toString(),
  ) as ReferenceHeader;
}
