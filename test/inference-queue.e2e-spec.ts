/**
 * The inference job queue under load and over time, over real HTTP: 20 concurrent segmentStudy requests against a
 * queue of 4 (each ends in a job that succeeds or in an immediate QUEUE_FULL), a job stopped by the timeout, and
 * results deleted after the retention time.
 */
import type { CoordinatorApp } from '@fedstroke/coordinator';
import { INFERENCE_TOKEN } from './coordinator-kit';
import {
  bootInferenceCoordinator,
  CASE_ADC,
  CASE_DWI,
  createServedModelVersion,
  download,
  gql,
  type InferenceWorkspace,
  type JobView,
  makeInferenceWorkspace,
  SEGMENT,
  uploadFile,
  waitForJob,
  writeSmallStudy,
} from './inference-kit';

type SegmentReply = Awaited<ReturnType<typeof gql<{ segmentStudy: JobView }>>>;

async function uploadCase(url: string): Promise<{ dwi: string; adc: string }> {
  const dwi = await uploadFile(url, INFERENCE_TOKEN, CASE_DWI, 'dwi.nii.gz');
  const adc = await uploadFile(url, INFERENCE_TOKEN, CASE_ADC, 'adc.nii.gz');
  return { dwi: dwi.body.uploadId!, adc: adc.body.uploadId! };
}

/** Polls until the mutation refuses the upload as UPLOAD_NOT_FOUND (it has expired and been deleted). */
async function waitUntilUploadGone(url: string, uploadId: string): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    // The ADC is the same upload: the check stops at the first file that no longer resolves.
    const reply = await gql(url, INFERENCE_TOKEN, SEGMENT, {
      input: { dwi: { uploadId }, adc: { uploadId }, modelVersionId: '00000000-0000-4000-8000-000000000000' },
    });
    const code = reply.errors?.[0]?.extensions?.code;
    if (code === 'UPLOAD_NOT_FOUND') return;
    if (Date.now() > until) throw new Error(`upload ${uploadId} still resolves (last answer: ${code})`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

describe('queue overflow: 20 concurrent requests against a queue of 4', () => {
  let workspace: InferenceWorkspace;
  let coordinator: CoordinatorApp;

  beforeAll(async () => {
    workspace = await makeInferenceWorkspace();
    coordinator = await bootInferenceCoordinator(workspace, { concurrency: 1, queueCapacity: 4, threads: 1 });
    await createServedModelVersion(coordinator.url);
  });
  afterAll(async () => {
    await coordinator?.close();
    workspace?.cleanup();
  });

  it('answers each request with a job or a clear QUEUE_FULL at once, and every accepted job succeeds', async () => {
    const study = await uploadCase(coordinator.url);
    const input = { dwi: { uploadId: study.dwi }, adc: { uploadId: study.adc } };
    // Memory stays bounded: jobs wait as file references, and one study computes at a time (concurrency 1).
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = Date.now();
    const replies: Array<SegmentReply & { ms: number }> = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const reply = await gql<{ segmentStudy: JobView }>(coordinator.url, INFERENCE_TOKEN, SEGMENT, { input });
        return { ...reply, ms: Date.now() - started };
      }),
    );
    const accepted = replies.filter((r) => r.data?.segmentStudy);
    const full = replies.filter((r) => r.errors?.[0]?.extensions?.code === 'QUEUE_FULL');
    expect(accepted.length + full.length).toBe(20);
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    expect(full.length).toBeGreaterThanOrEqual(1);
    expect(full[0].errors![0].message).toMatch(
      /the inference queue is full \(1 running, 4 waiting, the limit\); retry later/,
    );
    // Refusals come back while the accepted jobs are still computing: no request waits for a queue place.
    const jobs = await Promise.all(accepted.map((r) => waitForJob(coordinator.url, r.data!.segmentStudy.id)));
    const lastDone = Date.now() - started;
    clearInterval(sampler);
    expect(peak - baseline).toBeLessThan(512 * 2 ** 20);
    expect(Math.max(...full.map((r) => r.ms))).toBeLessThan(lastDone);
    expect(jobs.map((j) => j.status)).toEqual(jobs.map(() => 'SUCCEEDED'));
    expect(new Set(jobs.map((j) => j.result!.lesionCount)).size).toBe(1);
    const health = await fetch(`${coordinator.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('job timeout and result retention', () => {
  let workspace: InferenceWorkspace;
  let coordinator: CoordinatorApp;
  let smallFiles: { dwi: string; adc: string };
  const uploadSmall = async () => ({
    dwi: (await uploadFile(coordinator.url, INFERENCE_TOKEN, smallFiles.dwi)).body.uploadId!,
    adc: (await uploadFile(coordinator.url, INFERENCE_TOKEN, smallFiles.adc)).body.uploadId!,
  });

  beforeAll(async () => {
    workspace = await makeInferenceWorkspace();
    coordinator = await bootInferenceCoordinator(workspace, { jobTimeoutMs: 1500, retentionMs: 1500, threads: 1 });
    await createServedModelVersion(coordinator.url);
    smallFiles = await writeSmallStudy(workspace.root);
  });
  afterAll(async () => {
    await coordinator?.close();
    workspace?.cleanup();
  });

  it('deletes a result after the retention time: the job becomes EXPIRED and its mask is gone', async () => {
    const small = await uploadSmall();
    const reply = await gql<{ segmentStudy: JobView }>(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
      input: { dwi: { uploadId: small.dwi }, adc: { uploadId: small.adc } },
    });
    const job = await waitForJob(coordinator.url, reply.data!.segmentStudy.id, ['SUCCEEDED', 'FAILED', 'TIMED_OUT']);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.result!.grid.shape).toEqual([24, 24, 16]);
    expect((await download(coordinator.url, INFERENCE_TOKEN, job.maskDownloadPath!)).status).toBe(200);

    const expired = await waitForJob(coordinator.url, job.id, ['EXPIRED'], 10_000);
    expect(expired.maskDownloadPath).toBeNull();
    expect(expired.result!.lesionCount).toBe(job.result!.lesionCount);
    expect((await download(coordinator.url, INFERENCE_TOKEN, job.maskDownloadPath!)).status).toBe(410);
    // Uploads expire too (their retention is extended while a job uses them).
    await waitUntilUploadGone(coordinator.url, small.dwi);
  });

  it('stops a job that runs past the timeout and reports TIMED_OUT', async () => {
    const study = await uploadCase(coordinator.url);
    const reply = await gql<{ segmentStudy: JobView }>(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
      // Mirror TTA on the whole real case: eight times the windows, far past 1.5 s on one thread.
      input: { dwi: { uploadId: study.dwi }, adc: { uploadId: study.adc }, tta: true },
    });
    const job = await waitForJob(coordinator.url, reply.data!.segmentStudy.id);
    expect(job.status).toBe('TIMED_OUT');
    expect(job.error).toEqual({
      code: 'JOB_TIMEOUT',
      message: 'the job exceeded the inference timeout of 1500 ms and was stopped',
    });
    expect(job.maskDownloadPath).toBeNull();
    // The slot is free again: the next job runs to completion.
    const fresh = await uploadSmall();
    const next = await gql<{ segmentStudy: JobView }>(coordinator.url, INFERENCE_TOKEN, SEGMENT, {
      input: { dwi: { uploadId: fresh.dwi }, adc: { uploadId: fresh.adc } },
    });
    expect((await waitForJob(coordinator.url, next.data!.segmentStudy.id)).status).toBe('SUCCEEDED');
  });
});

describe('shutdown and restart', () => {
  let workspace: InferenceWorkspace;

  beforeAll(async () => {
    workspace = await makeInferenceWorkspace();
  });
  afterAll(() => workspace?.cleanup());

  it('records the running job as COORDINATOR_SHUTDOWN and a waiting one as COORDINATOR_RESTARTED', async () => {
    const settings = { concurrency: 1, threads: 1 };
    const first = await bootInferenceCoordinator(workspace, settings);
    let running: string;
    let waiting: string;
    try {
      await createServedModelVersion(first.url);
      const study = await uploadCase(first.url);
      const input = { dwi: { uploadId: study.dwi }, adc: { uploadId: study.adc }, tta: true };
      running = (await gql<{ segmentStudy: JobView }>(first.url, INFERENCE_TOKEN, SEGMENT, { input })).data!
        .segmentStudy.id;
      waiting = (await gql<{ segmentStudy: JobView }>(first.url, INFERENCE_TOKEN, SEGMENT, { input })).data!
        .segmentStudy.id;
      await waitForJob(first.url, running, ['RUNNING']);
    } finally {
      await first.close();
    }
    const second = await bootInferenceCoordinator(workspace, settings);
    try {
      const [stopped, dropped] = await Promise.all([running, waiting].map((id) => waitForJob(second.url, id)));
      expect([stopped.status, stopped.error?.code]).toEqual(['FAILED', 'COORDINATOR_SHUTDOWN']);
      expect([dropped.status, dropped.error?.code]).toEqual(['FAILED', 'COORDINATOR_RESTARTED']);
    } finally {
      await second.close();
    }
  });
});
