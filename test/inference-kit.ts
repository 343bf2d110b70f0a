/**
 * Helpers for the inference end-to-end tests: a workspace whose artifacts folder holds the real `tiny` artifacts
 * (generated with the unet lib when onnx-models/tiny is absent), a coordinator booted with inference settings, a
 * trained, served model version for the jobs to run, and the HTTP calls of the binary endpoints.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readNifti, writeNifti } from '@fedstroke/nifti';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import type { CoordinatorApp, InferenceConfigInput } from '@fedstroke/coordinator';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  downloadModel,
  eventually,
  gql,
  gqlOk,
  INFERENCE_TOKEN,
  startFederation,
  takeTask,
  type UploadReply,
  uploadBytes,
  uploadUpdate,
  waitForFederation,
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

/**
 * A trained model version that inference serves: a one-round federation on the tiny config in which one site (over
 * raw HTTP) sends the initial weights moved a little and reports `valDice`; when the federation completes, the serving
 * policy (valDice ≥ 0.5 by default) promotes its round-1 model. Round 0 is never served, so tests need this.
 */
export async function createServedModelVersion(
  url: string,
  options: {
    valDice?: number;
    waitForServing?: boolean;
    /** The federation's strategyParams (e.g. detectionSelection), and further metrics the site reports. */
    strategyParams?: Record<string, unknown>;
    metrics?: Record<string, number>;
  } = {},
): Promise<{ id: string; sha256: string; federationId: string }> {
  const name = `inference-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;
  const { sites, federationId } = await startFederation(url, [`${name}-site`], {
    name,
    rounds: 1,
    deadlineSeconds: 60,
    localSteps: 1,
    trainingData: 'SYNTHETIC',
    ...(options.strategyParams && { strategyParams: options.strategyParams }),
  });
  const task = await takeTask(url, sites[0], federationId);
  const { weights } = await downloadModel(url, sites[0].token, task.modelDownloadPath);
  const trained = weights.map((w, i) => w + 1e-3 * Math.cos(i));
  const upload = await uploadUpdate(url, sites[0], task, trained, {
    metrics: { valDice: options.valDice ?? 0.8, ...options.metrics },
  });
  if (upload.status !== 202) throw new Error(`the kit's update was refused: ${JSON.stringify(upload.body)}`);
  const done = await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
  const version = done.federation.latestModelVersion;
  if (options.waitForServing ?? true) {
    await eventually(async () => {
      const serving = await gqlOk<{ servingModel: { modelVersion: { id: string } } | null }>(
        url,
        ADMIN_TOKEN,
        '{ servingModel { modelVersion { id } } }',
      );
      return serving.servingModel?.modelVersion.id === version.id ? true : undefined;
      // Generous: on a loaded two-core CI machine the policy's turn can come seconds after the completion.
    }, 60_000);
  }
  return { id: version.id, sha256: version.sha256, federationId };
}

/**
 * A small study, a 24x24x16 crop of the real case that the tiny model segments in well under a second. At 4 mm voxels
 * the crop spans a head-sized 96x96x64 mm (at 2 mm, 48 mm would be no head: refused).
 */
export async function writeSmallStudy(root: string): Promise<{ dwi: string; adc: string }> {
  const dwi = await readNifti(CASE_DWI);
  const adc = await readNifti(CASE_ADC);
  const crop = (data: Float32Array) => {
    const out = new Float32Array(24 * 24 * 16);
    for (let k = 0; k < 16; k++)
      for (let j = 0; j < 24; j++)
        for (let i = 0; i < 24; i++) out[i + 24 * (j + 24 * k)] = data[44 + i + 112 * (44 + j + 112 * (28 + k))];
    return out;
  };
  const affine = Float64Array.from(dwi.affine, (v, i) => (i < 12 && i % 4 !== 3 ? 2 * v : v));
  const small = { ...dwi, affine, spacing: dwi.spacing.map((s) => 2 * s) as [number, number, number] };
  const files = { dwi: join(root, 'small_dwi.nii.gz'), adc: join(root, 'small_adc.nii.gz') };
  await writeNifti(files.dwi, { ...small, data: crop(dwi.data), shape: [24, 24, 16] });
  await writeNifti(files.adc, { ...small, data: crop(adc.data), shape: [24, 24, 16] });
  return files;
}

export async function uploadFile(url: string, token: string | null, file: string, name?: string): Promise<UploadReply> {
  return uploadBytes(url, token, await readFile(file), name);
}

export const SEGMENT = `mutation ($input: SegmentStudyInput!) {
  segmentStudy(input: $input) { id status queuePosition modelVersionId modelSha256 modelConfig inputs { role source sha256 } }
}`;

/** Uploads a study's DWI and ADC with the inference token and submits segmentStudy on them with `input`'s options. */
export async function submitStudy(
  url: string,
  study: { dwi: string; adc: string },
  input: Record<string, unknown> = {},
): Promise<{ data?: { segmentStudy: JobView }; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
  const dwi = (await uploadFile(url, INFERENCE_TOKEN, study.dwi)).body.uploadId;
  const adc = (await uploadFile(url, INFERENCE_TOKEN, study.adc)).body.uploadId;
  return gql<{ segmentStudy: JobView }>(url, INFERENCE_TOKEN, SEGMENT, {
    input: { dwi: { uploadId: dwi }, adc: { uploadId: adc }, ...input },
  });
}

export const JOB = `query ($id: ID!) {
  inferenceJob(id: $id) {
    id status queuePosition modelVersionId modelSha256 maskDownloadPath probabilityDownloadPath expiresAt
    error { code message }
    result {
      lesionVolumeMl lesionCount lesions { volumeMl centroidMm voxels }
      model { version sha256 config training { kind untrained federationId roundIndex rounds trainingData } }
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
    model: {
      version: string;
      sha256: string;
      config: string;
      training: {
        kind: string;
        untrained: boolean;
        federationId: string;
        roundIndex: number;
        rounds: number;
        trainingData: string;
      } | null;
    };
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
