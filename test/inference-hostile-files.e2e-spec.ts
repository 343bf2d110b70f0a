/**
 * Files that attack the inference service rather than describe a head (issue 11 defects 4, 5, 8 and 10), over real
 * HTTP against a coordinator whose inference root holds them: a named pipe and a directory given as server paths,
 * a 2 MB gzip bomb behind a plausible header, a NaN in the sform, degenerate shapes. Each is refused at once with
 * a clear code, and the service keeps serving uploads and model downloads; a read stuck past its time limit turns
 * readiness red.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { withIoTimeout } from '@fedstroke/common';
import type { CoordinatorApp } from '@fedstroke/coordinator';
import { writeShapedStudy } from '@fedstroke/inference/testing';
import { INFERENCE_TOKEN } from './coordinator-kit';
import {
  bootInferenceCoordinator,
  CASE_ADC,
  CASE_DWI,
  createServedModelVersion,
  download,
  gql,
  type InferenceWorkspace,
  makeInferenceWorkspace,
  SEGMENT,
  uploadBytes,
  uploadFile,
} from './inference-kit';

let workspace: InferenceWorkspace;
let coordinator: CoordinatorApp;
let version: { id: string; sha256: string };
let root: string;

const code = (result: { errors?: Array<{ extensions?: { code?: string } }> }) => result.errors?.[0]?.extensions?.code;

/** The ISLES DWI's 352-byte header with other dims and float32 voxels. */
function headerWithDims(dims: [number, number, number]): Buffer {
  const header = Buffer.from(gunzipSync(readFileSync(CASE_DWI)).subarray(0, 352));
  dims.forEach((d, axis) => header.writeInt16LE(d, 42 + axis * 2));
  header.writeInt16LE(16, 70);
  header.writeInt16LE(32, 72);
  return header;
}

beforeAll(async () => {
  workspace = await makeInferenceWorkspace();
  root = join(workspace.root, 'studies');
  mkdirSync(root);
  copyFileSync(CASE_DWI, join(root, 'case_dwi.nii.gz'));
  copyFileSync(CASE_ADC, join(root, 'case_adc.nii.gz'));
  execFileSync('mkfifo', [join(root, 'fifo.nii.gz')]);
  mkdirSync(join(root, 'folder.nii.gz'));
  await writeShapedStudy(join(root, 'line_dwi.nii'), [1, 1, 32767]);
  coordinator = await bootInferenceCoordinator(workspace, { root, maxUploadBytes: 8 * 1024 * 1024, threads: 1 });
  version = await createServedModelVersion(coordinator.url);
});

afterAll(async () => {
  await coordinator?.close();
  workspace?.cleanup();
});

describe('special files under the inference root', () => {
  it('refuses a named pipe at once, five times over, and uploads, model downloads and readiness still answer', async () => {
    const adc = { path: 'case_adc.nii.gz' };
    // Each call used to block one of libuv's four pool threads on open() forever; four froze all file I/O.
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        gql(coordinator.url, INFERENCE_TOKEN, SEGMENT, { input: { dwi: { path: 'fifo.nii.gz' }, adc } }),
      ),
    );
    for (const reply of replies) {
      expect(code(reply)).toBe('PATH_NOT_A_FILE');
      expect(reply.errors![0].message).toBe(
        'DWI: path "fifo.nii.gz" is a named pipe (FIFO) under the inference root; expected a NIfTI file (.nii or .nii.gz)',
      );
    }
    const upload = await uploadFile(coordinator.url, INFERENCE_TOKEN, CASE_DWI, 'after_dwi.nii.gz');
    expect(upload.status).toBe(201);
    expect((await download(coordinator.url, INFERENCE_TOKEN, `/models/${version.id}`)).status).toBe(200);
    expect((await fetch(`${coordinator.url}/readyz`)).status).toBe(200);
  });

  it('refuses a directory given as a study path with a clear error, not INTERNAL_SERVER_ERROR "EISDIR"', async () => {
    const reply = await gql(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
      input: { dwi: { path: 'case_dwi.nii.gz' }, adc: { path: 'folder.nii.gz' } },
    });
    expect(code(reply)).toBe('PATH_NOT_A_FILE');
    expect(reply.errors![0].message).toBe(
      'ADC: path "folder.nii.gz" is a directory under the inference root; expected a NIfTI file (.nii or .nii.gz)',
    );
  });

  it('refuses a 1x1x32767 study by path before a job is queued', async () => {
    const reply = await gql(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
      input: { dwi: { path: 'line_dwi.nii' }, adc: { path: 'line_dwi.nii' } },
    });
    expect(code(reply)).toBe('STUDY_SHAPE_DEGENERATE');
    expect(reply.errors![0].message).toMatch(/^DWI line_dwi\.nii: shape 1x1x32767 has 1 voxel\(s\) along axis i/);
  });
});

describe('uploads that lie', () => {
  it('refuses a 2 MB gzip bomb behind a 64x64x32 header at once, inflating no more than the header implies', async () => {
    // 512 KiB of voxels a 2 mm head could hold, then ~2 GiB of zeros in further gzip members, 2 MB in all.
    const zeros = gzipSync(Buffer.alloc(8 << 20), { level: 9 });
    const voxels = gzipSync(Buffer.concat([headerWithDims([64, 64, 32]), Buffer.alloc(64 * 64 * 32 * 4)]));
    const bomb = Buffer.concat([voxels, ...new Array(240).fill(zeros)]);
    expect(bomb.length).toBeLessThan(3 << 20);
    const peak = process.resourceUsage().maxRSS;
    const started = Date.now();
    const reply = await uploadBytes(coordinator.url, INFERENCE_TOKEN, bomb, 'bomb_dwi.nii.gz');
    const elapsedMs = Date.now() - started;
    expect([reply.status, reply.body.code]).toEqual([422, 'NIFTI_SIZE_MISMATCH']);
    expect(reply.body.message).toMatch(
      /dims 64x64x32 of float32 need 524288 bytes after vox_offset 352, found at least/,
    );
    // It used to take 15 s and 4 GB of the coordinator's memory. Generous bounds: the machine is shared.
    expect(elapsedMs).toBeLessThan(5000);
    expect(process.resourceUsage().maxRSS - peak).toBeLessThan(256 * 1024); // KiB
  });

  it('refuses an upload whose sform offset is NaN', async () => {
    const dwi = gunzipSync(readFileSync(CASE_DWI));
    const header = Buffer.from(dwi.subarray(0, 352));
    header.writeFloatLE(Number.NaN, 280 + 7 * 4); // srow_y[3]
    const file = join(workspace.root, 'nan_sform.nii.gz');
    writeFileSync(file, gzipSync(Buffer.concat([header, dwi.subarray(352)])));
    const reply = await uploadFile(coordinator.url, INFERENCE_TOKEN, file, 'nan_sform.nii.gz');
    expect([reply.status, reply.body.code]).toEqual([422, 'NIFTI_BAD_AFFINE']);
    expect(reply.body.message).toMatch(/\(nan_sform\.nii\.gz\): sform \(sform_code 1\) holds NaN in srow_y\[3\]/);
  });

  it('refuses degenerate shapes at upload: 1x1x100000, 100000x1x1, 8192x8192x1', async () => {
    const shapes: Array<[[number, number, number], 2 | 16]> = [
      [[1, 1, 100000], 16],
      [[100000, 1, 1], 16],
      [[8192, 8192, 1], 2],
    ];
    for (const [shape, datatype] of shapes) {
      const file = await writeShapedStudy(join(workspace.root, `${shape.join('x')}.nii`), shape, [1, 1, 1], datatype);
      const bytes = gzipSync(readFileSync(file));
      const reply = await uploadBytes(coordinator.url, INFERENCE_TOKEN, bytes, `${shape.join('x')}.nii.gz`);
      expect([reply.status, reply.body.code]).toEqual([422, 'STUDY_SHAPE_DEGENERATE']);
    }
  });
});

describe('readiness', () => {
  it('turns red while a file read waits past its time limit, and green once storage answers', async () => {
    let answer!: () => void;
    const hung = withIoTimeout('read /mnt/pacs/study.nii.gz', new Promise<void>((done) => (answer = done)), 20);
    await expect(hung).rejects.toMatchObject({ code: 'IO_TIMEOUT' });
    const red = await fetch(`${coordinator.url}/readyz`);
    expect(red.status).toBe(503);
    expect(((await red.json()) as { message: string }).message).toMatch(
      /^file I\/O is stuck: 1 read\(s\) have waited past their time limit/,
    );
    answer();
    await new Promise((done) => setImmediate(done));
    expect((await fetch(`${coordinator.url}/readyz`)).status).toBe(200);
  });
});
