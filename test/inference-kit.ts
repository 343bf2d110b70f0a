/**
 * Helpers for the inference end-to-end tests: a workspace whose artifacts folder holds the real `tiny` artifacts
 * (generated with the unet lib when onnx-models/tiny is absent), a coordinator booted with inference settings, a
 * federation whose round-0 model is the version the jobs run, and the HTTP calls of the binary endpoints.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import type { CoordinatorApp, InferenceConfigInput } from '../apps/coordinator/src';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  gql,
  gqlOk,
  INFERENCE_TOKEN,
  type UploadReply,
  uploadBytes,
} from './coordinator-kit';

export { uploadBytes, type UploadReply };

export const ROOT = resolve(__dirname, '..');
export const FIXTURES = resolve(ROOT, '../shared/fixtures');
export const CASE_DWI = join(FIXTURES, 'isles22-case0001/sub-strokecase0001_ses-0001_dwi.nii.gz');
export const CASE_ADC = join(FIXTURES, 'isles22-case0001/sub-strokecase0001_ses-0001_adc.nii.gz');

export interface InferenceWorkspace {
  root: string;
  dataDir: string;
  artifactsDir: string;
  cleanup(): void;
}

/** A temp folder with artifacts/tiny (the real U-Net artifacts) and an empty data dir. */
export async function makeInferenceWorkspace(): Promise<InferenceWorkspace> {
  const shipped = join(ROOT, 'onnx-models');
  if (!existsSync(join(shipped, 'tiny', 'manifest.json'))) await writeArtifacts(shipped, namedConfig('tiny'), 0);
  const root = mkdtempSync(join(tmpdir(), 'fedstroke-inference-'));
  const artifactsDir = join(root, 'artifacts');
  mkdirSync(artifactsDir);
  cpSync(join(shipped, 'tiny'), join(artifactsDir, 'tiny'), { recursive: true });
  return {
    root,
    dataDir: join(root, 'data'),
    artifactsDir,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Boots a coordinator with the given inference settings (the `inference` section of its config). */
export function bootInferenceCoordinator(
  workspace: InferenceWorkspace,
  inference: InferenceConfigInput,
  logs: string[] = [],
): Promise<CoordinatorApp> {
  return bootCoordinator(workspace, logs, { inference });
}

/** Creates a federation on the tiny config; its initial global model (round 0) is the version inference uses. */
export async function createTinyModelVersion(url: string): Promise<{ id: string; sha256: string }> {
  const created = await gqlOk<{ createFederation: { id: string } }>(
    url,
    ADMIN_TOKEN,
    `mutation ($input: CreateFederationInput!) { createFederation(input: $input) { id } }`,
    {
      input: {
        name: `inference-${Date.now()}`,
        modelConfigName: 'tiny',
        rounds: 1,
        sitesPerRound: 1,
        deadlineSeconds: 60,
        localSteps: 1,
        learningRate: 0.001,
      },
    },
  );
  const data = await gqlOk<{ federation: { latestModelVersion: { id: string; sha256: string } } }>(
    url,
    ADMIN_TOKEN,
    'query ($id: ID!) { federation(id: $id) { latestModelVersion { id sha256 } } }',
    { id: created.createFederation.id },
  );
  return data.federation.latestModelVersion;
}

export async function uploadFile(url: string, token: string | null, file: string, name?: string): Promise<UploadReply> {
  return uploadBytes(url, token, await readFile(file), name);
}

export const SEGMENT = `mutation ($input: SegmentStudyInput!) {
  segmentStudy(input: $input) { id status queuePosition modelVersionId modelSha256 modelConfig inputs { role source sha256 } }
}`;

export const JOB = `query ($id: ID!) {
  inferenceJob(id: $id) {
    id status queuePosition modelVersionId modelSha256 maskDownloadPath probabilityDownloadPath expiresAt
    error { code message }
    result {
      lesionVolumeMl lesionCount lesions { volumeMl centroidMm voxels }
      model { version sha256 config }
      timings { loadMs preprocessMs inferenceMs postprocessMs totalMs }
      qcWarnings { code message }
      grid { shape spacing affine }
    }
  }
}`;

export interface JobView {
  id: string;
  status: string;
  queuePosition: number;
  modelVersionId: string;
  modelSha256: string;
  maskDownloadPath: string | null;
  probabilityDownloadPath: string | null;
  error: { code: string; message: string } | null;
  result: {
    lesionVolumeMl: number;
    lesionCount: number;
    lesions: Array<{ volumeMl: number; centroidMm: number[]; voxels: number }>;
    model: { version: string; sha256: string; config: string };
    timings: Record<string, number>;
    qcWarnings: Array<{ code: string; message: string }>;
    grid: { shape: number[]; spacing: number[]; affine: number[][] };
  } | null;
}

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED'];

/** Polls the job over GraphQL until it reaches one of `statuses`. */
export async function waitForJob(url: string, id: string, statuses = TERMINAL, timeoutMs = 60000): Promise<JobView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await gqlOk<{ inferenceJob: JobView }>(url, INFERENCE_TOKEN, JOB, { id })).inferenceJob;
    if (statuses.includes(job.status)) return job;
    if (Date.now() > until) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

export async function download(
  url: string,
  token: string | null,
  path: string,
): Promise<{ status: number; bytes: Uint8Array }> {
  const response = await fetch(`${url}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
}

export { gql, gqlOk };
