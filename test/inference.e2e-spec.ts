/**
 * Clinical inference end to end over real HTTP: upload the real ISLES'22 case, segment it through GraphQL, follow
 * the job (query and subscription), download the mask and compare it with `fedstroke segment` run on the same files
 * and the same model version; then the refusals (grids that disagree, broken files, paths outside the root, tokens).
 */
import Database from 'better-sqlite3';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeBadStudyFiles, type BadStudyFiles } from '@fedstroke/inference/testing';
import { maxAffineDifference, readNifti } from '@fedstroke/nifti';
import type { CoordinatorApp } from '@fedstroke/coordinator';
import { ADMIN_TOKEN, INFERENCE_TOKEN, READONLY_TOKEN, subscriptionClient } from './coordinator-kit';
import {
  bootInferenceCoordinator,
  CASE_ADC,
  CASE_DWI,
  createServedModelVersion,
  download,
  FIXTURES,
  gql,
  type InferenceWorkspace,
  type JobView,
  makeInferenceWorkspace,
  ROOT,
  SEGMENT,
  uploadBytes,
  uploadFile,
  waitForJob,
} from './inference-kit';

let workspace: InferenceWorkspace;
let coordinator: CoordinatorApp;
let version: { id: string; sha256: string; federationId: string };
let bad: BadStudyFiles;
let dwiUpload: string;
const logs: string[] = [];
let adcUpload: string;
let pathJobId: string;

const execFileAsync = promisify(execFile);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const code = (result: { errors?: Array<{ extensions?: { code?: string } }> }) => result.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.js')], { cwd: ROOT });
  workspace = await makeInferenceWorkspace();
  bad = await writeBadStudyFiles(workspace.root);
  coordinator = await bootInferenceCoordinator(
    workspace,
    { root: FIXTURES, maxUploadBytes: 8 * 1024 * 1024, threads: 2 },
    logs,
  );
  version = await createServedModelVersion(coordinator.url);
});

afterAll(async () => {
  await coordinator?.close();
  workspace?.cleanup();
});

describe('segmentStudy end to end (real ISLES22 case, tiny model)', () => {
  let job: JobView;

  it('uploads DWI and ADC, returning their sha256', async () => {
    const dwi = await uploadFile(coordinator.url, INFERENCE_TOKEN, CASE_DWI, 'case_dwi.nii.gz');
    const adc = await uploadFile(coordinator.url, INFERENCE_TOKEN, CASE_ADC, 'case_adc.nii.gz');
    expect(dwi.status).toBe(201);
    expect(dwi.body.sha256).toBe(sha256(readFileSync(CASE_DWI)));
    expect(dwi.body.shape).toEqual([112, 112, 73]);
    expect(adc.body.sha256).toBe(sha256(readFileSync(CASE_ADC)));
    dwiUpload = dwi.body.uploadId!;
    adcUpload = adc.body.uploadId!;
  });

  it('queues a job that a subscription follows to SUCCEEDED, with figures, model and QC warnings', async () => {
    const submitted = await gql<{ segmentStudy: JobView }>(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
      input: { dwi: { uploadId: dwiUpload }, adc: { uploadId: adcUpload }, returnProbability: true },
    });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data!.segmentStudy.id;
    expect(submitted.data!.segmentStudy.modelVersionId).toBe(version.id);

    const client = subscriptionClient(coordinator.url, INFERENCE_TOKEN);
    const statuses: string[] = [];
    try {
      for await (const event of client.iterate<{ inferenceJobUpdated: { status: string } }>({
        query: 'subscription ($id: ID!) { inferenceJobUpdated(id: $id) { status } }',
        variables: { id },
      })) {
        statuses.push(event.data!.inferenceJobUpdated.status);
      }
    } finally {
      await client.dispose();
    }
    expect(statuses[statuses.length - 1]).toBe('SUCCEEDED');

    job = await waitForJob(coordinator.url, id);
    expect(job.status).toBe('SUCCEEDED');
    const result = job.result!;
    // The result names the model and how it was trained.
    expect(result.model).toEqual({
      version: version.id,
      sha256: version.sha256,
      config: 'tiny',
      training: {
        kind: 'federated',
        untrained: false,
        federationId: version.federationId,
        roundIndex: 1,
        rounds: 1,
        trainingData: 'synthetic',
      },
    });
    expect(result.grid.shape).toEqual([112, 112, 73]);
    expect(result.lesionCount).toBe(result.lesions.length);
    expect(result.lesions.reduce((sum, l) => sum + l.volumeMl, 0)).toBeCloseTo(result.lesionVolumeMl, 6);
    expect(result.qcWarnings.map((w) => w.code)).toEqual(['FLAIR_MISSING', 'FLAIR_ZERO_FILLED']);
    expect(result.timings.totalMs).toBeGreaterThan(0);
  });

  it('serves a mask on the DWI grid that equals the CLI output for the same files and model version', async () => {
    const mask = await download(coordinator.url, INFERENCE_TOKEN, job.maskDownloadPath!);
    const prob = await download(coordinator.url, INFERENCE_TOKEN, job.probabilityDownloadPath!);
    expect([mask.status, prob.status]).toEqual([200, 200]);
    writeFileSync(join(workspace.root, 'served_mask.nii.gz'), mask.bytes);
    writeFileSync(join(workspace.root, 'served_prob.nii.gz'), prob.bytes);
    const served = await readNifti(join(workspace.root, 'served_mask.nii.gz'));
    const dwi = await readNifti(CASE_DWI);
    expect(served.shape).toEqual(dwi.shape);
    expect(maxAffineDifference(served.affine, dwi.affine)).toBeLessThan(1e-4);

    // The CLI fetches the same model version from the coordinator by id (async: this process serves the request).
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        join(ROOT, 'dist/apps/cli/src/main.js'),
        ...['segment', '--dwi', CASE_DWI, '--adc', CASE_ADC, '--out', join(workspace.root, 'cli_mask.nii.gz')],
        ...[
          '--prob',
          join(workspace.root, 'cli_prob.nii.gz'),
          '--config',
          'tiny',
          '--artifacts',
          workspace.artifactsDir,
        ],
        ...['--model', version.id, '--coordinator', coordinator.url, '--threads', '2', '--json'],
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FEDSTROKE_INFERENCE_TOKEN: INFERENCE_TOKEN } },
    );
    const cli = JSON.parse(stdout);
    expect(cli.model.version).toBe(version.id);
    expect(cli.model.sha256).toBe(version.sha256);
    // The CLI names the same training as the coordinator's result.
    expect(cli.model.training).toMatchObject(job.result!.model.training!);
    expect(cli.untrained).toBe(false);
    expect(cli.lesionCount).toBe(job.result!.lesionCount);
    const fromCli = await readNifti(join(workspace.root, 'cli_mask.nii.gz'));
    expect(Buffer.from(fromCli.data.buffer).equals(Buffer.from(served.data.buffer))).toBe(true);
    const cliProb = await readNifti(join(workspace.root, 'cli_prob.nii.gz'));
    const servedProb = await readNifti(join(workspace.root, 'served_prob.nii.gz'));
    let worst = 0;
    for (let i = 0; i < cliProb.data.length; i++)
      worst = Math.max(worst, Math.abs(cliProb.data[i] - servedProb.data[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('exports the served model version over the API as model.safetensors + manifest.json', async () => {
    const out = join(workspace.root, 'exported');
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        join(ROOT, 'dist/apps/cli/src/main.js'),
        ...['export', version.id, '--coordinator', coordinator.url, '--out', out],
        ...['--artifacts', workspace.artifactsDir, '--json'],
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FEDSTROKE_INFERENCE_TOKEN: INFERENCE_TOKEN } },
    );
    const manifest = JSON.parse(stdout);
    expect(manifest).toMatchObject({
      format: 'fedstroke-model/1',
      weights: { file: 'model.safetensors', parameterSha256: version.sha256 },
      provenance: { kind: 'federated', modelVersionId: version.id, federationId: version.federationId, roundIndex: 1 },
    });
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
  });

  it('segments a study named by paths under the inference root', async () => {
    const submitted = await gql<{ segmentStudy: JobView }>(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
      input: {
        dwi: { path: 'isles22-case0001/sub-strokecase0001_ses-0001_dwi.nii.gz' },
        adc: { path: 'isles22-case0001/sub-strokecase0001_ses-0001_adc.nii.gz' },
        modelVersionId: version.id,
      },
    });
    expect(submitted.errors).toBeUndefined();
    const done = await waitForJob(coordinator.url, submitted.data!.segmentStudy.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.result!.lesionCount).toBe(job.result!.lesionCount);
    pathJobId = done.id;
  });

  it("lists jobs newest first and serves a job's DWI, as given, to the inference and admin roles only", async () => {
    const JOBS = `query ($status: InferenceJobStatus) { inferenceJobs(status: $status) {
      totalCount items { id status dwiDownloadPath maskDownloadPath } } }`;
    type Jobs = { inferenceJobs: { totalCount: number; items: Array<Record<string, string>> } };
    const listed = await gql<Jobs>(coordinator.url, ADMIN_TOKEN, JOBS, { status: 'SUCCEEDED' });
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.inferenceJobs.items.map((j) => j.id)).toEqual([pathJobId, job.id]);
    expect(listed.data!.inferenceJobs.items[1].dwiDownloadPath).toBe(`/inference/jobs/${job.id}/dwi`);
    expect(code(await gql(coordinator.url, READONLY_TOKEN, JOBS))).toBe('FORBIDDEN');

    const given = readFileSync(CASE_DWI);
    for (const id of [job.id, pathJobId]) {
      for (const token of [INFERENCE_TOKEN, ADMIN_TOKEN]) {
        const dwi = await download(coordinator.url, token, `/inference/jobs/${id}/dwi`);
        expect(dwi.status).toBe(200);
        expect(Buffer.from(dwi.bytes).equals(given)).toBe(true);
      }
    }
    expect((await download(coordinator.url, ADMIN_TOKEN, job.maskDownloadPath!)).status).toBe(200);
    expect((await download(coordinator.url, READONLY_TOKEN, `/inference/jobs/${job.id}/dwi`)).status).toBe(403);
  });

  it('keeps an audit record per request: who, which model, input sha256s, no image data', () => {
    const db = new Database(join(workspace.dataDir, 'coordinator.sqlite'), { readonly: true });
    try {
      const rows = db
        .prepare("SELECT * FROM inference_audit WHERE action = 'SEGMENT' AND outcome = 'ACCEPTED'")
        .all() as Array<Record<string, string | number | null>>;
      expect(rows.length).toBeGreaterThanOrEqual(2);
      const [first] = rows;
      expect(first.role).toBe('INFERENCE');
      expect(first.token_fingerprint).toBe(sha256(Buffer.from(INFERENCE_TOKEN)).slice(0, 16));
      expect(first.model_version_id).toBe(version.id);
      expect(first.model_sha256).toBe(version.sha256);
      expect(JSON.parse(first.input_sha256_json as string)).toEqual({
        dwi: sha256(readFileSync(CASE_DWI)),
        adc: sha256(readFileSync(CASE_ADC)),
      });
      const bytes = (
        db.prepare('SELECT SUM(LENGTH(input_sha256_json)) AS n FROM inference_audit').get() as { n: number }
      ).n;
      expect(bytes).toBeLessThan(10_000);
    } finally {
      db.close();
    }
    // The log says which job ran on which model, and nothing about the images (no paths, no voxels).
    const inference = logs.filter((line) => line.includes('"inference.'));
    expect(inference.some((line) => line.includes('"inference.job_finished"'))).toBe(true);
    for (const line of inference) {
      expect(line.length).toBeLessThan(500);
      expect(line).not.toContain(FIXTURES);
      expect(line).not.toContain('.nii');
    }
  });
});

describe('refusals before compute', () => {
  it('refuses the T2 chronic-lesion volume given as ADC beside the ISLES DWI, naming both files and grids', async () => {
    const result = await gql(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
      input: {
        dwi: { path: 'isles22-case0001/sub-strokecase0001_ses-0001_dwi.nii.gz' },
        adc: { path: 't2-chronic-lesion/T2.nii' },
      },
    });
    expect(code(result)).toBe('STUDY_GRID_MISMATCH');
    expect(result.errors![0].message).toMatch(
      /^DWI isles22-case0001\/sub-strokecase0001_ses-0001_dwi\.nii\.gz and ADC t2-chronic-lesion\/T2\.nii are not on the same voxel grid/,
    );
    expect(result.errors![0].message).toContain('DWI is 112x112x73 at 2x2x2 mm');
    expect(result.errors![0].message).toContain('ADC is 156x175x146 at 1x1x1 mm');
  });

  it('refuses truncated, 4-D, absurdly sized and oversized uploads with the reason', async () => {
    const truncated = await uploadFile(coordinator.url, INFERENCE_TOKEN, bad.truncated, 'truncated.nii');
    expect(truncated.status).toBe(422);
    expect(truncated.body.code).toBe('NIFTI_TRUNCATED');
    expect(truncated.body.message).toMatch(/^NIfTI upload [0-9a-f-]{36} \(truncated\.nii\): .*truncated/);
    const fourD = await uploadFile(coordinator.url, INFERENCE_TOKEN, bad.fourD, 'four_d.nii.gz');
    expect([fourD.status, fourD.body.code]).toEqual([422, 'NIFTI_NOT_3D']);
    const absurd = await uploadFile(coordinator.url, INFERENCE_TOKEN, bad.absurdSize, 'absurd.nii');
    expect([absurd.status, absurd.body.code]).toEqual([422, 'STUDY_TOO_LARGE']);
    const huge = await uploadBytes(coordinator.url, INFERENCE_TOKEN, new Uint8Array(9 * 1024 * 1024), 'huge.nii');
    expect(huge.status).toBe(413);
  });

  it('refuses paths outside the allow-listed root and unknown uploads', async () => {
    for (const path of ['../../etc/passwd', '/etc/passwd', 'isles22-case0001/../../../etc/hostname']) {
      const result = await gql(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
        input: { dwi: { path }, adc: { path: 'isles22-case0001/sub-strokecase0001_ses-0001_adc.nii.gz' } },
      });
      expect(code(result)).toBe('PATH_OUTSIDE_ROOT');
      expect(result.errors![0].message).not.toContain(FIXTURES);
    }
    const unknown = await gql(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
      input: { dwi: { uploadId: '00000000-0000-4000-8000-000000000000' }, adc: { uploadId: adcUpload } },
    });
    expect(code(unknown)).toBe('UPLOAD_NOT_FOUND');
  });

  it('refuses missing, wrong and read-only tokens on every inference door', async () => {
    const input = { dwi: { uploadId: dwiUpload }, adc: { uploadId: adcUpload } };
    expect(code(await gql(coordinator.url, null, SEGMENT, { input }))).toBe('UNAUTHENTICATED');
    expect(code(await gql(coordinator.url, 'not-a-token-at-all-0123', SEGMENT, { input }))).toBe('UNAUTHENTICATED');
    expect(code(await gql(coordinator.url, READONLY_TOKEN, SEGMENT, { input }))).toBe('FORBIDDEN');
    expect((await uploadFile(coordinator.url, null, CASE_DWI)).status).toBe(401);
    expect((await uploadFile(coordinator.url, 'not-a-token-at-all-0123', CASE_DWI)).status).toBe(401);
    expect((await uploadFile(coordinator.url, READONLY_TOKEN, CASE_DWI)).status).toBe(403);
    const path = `/inference/jobs/00000000-0000-4000-8000-000000000000/mask`;
    expect((await download(coordinator.url, null, path)).status).toBe(401);
    expect((await download(coordinator.url, READONLY_TOKEN, path)).status).toBe(403);
    expect((await download(coordinator.url, INFERENCE_TOKEN, path)).status).toBe(404);
    const dwi = `/inference/jobs/00000000-0000-4000-8000-000000000000/dwi`;
    expect((await download(coordinator.url, null, dwi)).status).toBe(401);
    expect((await download(coordinator.url, READONLY_TOKEN, dwi)).status).toBe(403);
    expect((await download(coordinator.url, ADMIN_TOKEN, dwi)).status).toBe(404);
  });
});
