/**
 * GET /metrics, scraped as Prometheus would: the inference queue (running and waiting jobs) while a real job
 * computes, jobs by final status, refusals by code, queue-wait and run-time histograms, the process metrics, and the
 * federation metrics under the names they always had.
 */
import type { CoordinatorApp } from '@fedstroke/coordinator';
import { INFERENCE_TOKEN, READONLY_TOKEN } from './coordinator-kit';
import {
  bootInferenceCoordinator,
  CASE_ADC,
  CASE_DWI,
  createServedModelVersion,
  gql,
  type InferenceWorkspace,
  type JobView,
  makeInferenceWorkspace,
  SEGMENT,
  uploadFile,
  waitForJob,
} from './inference-kit';

let workspace: InferenceWorkspace;
let coordinator: CoordinatorApp;

beforeAll(async () => {
  workspace = await makeInferenceWorkspace();
  // One job at a time and no waiting room: a second request while one computes is refused with QUEUE_FULL.
  coordinator = await bootInferenceCoordinator(workspace, { concurrency: 1, queueCapacity: 0, threads: 1 });
  // Inference serves only a promoted model: the kit's one-round federation (one site, one update) makes one.
  await createServedModelVersion(coordinator.url);
});

afterAll(async () => {
  await coordinator?.close();
  workspace?.cleanup();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${coordinator.url}/metrics`, {
    headers: { authorization: `Bearer ${READONLY_TOKEN}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
}

/** The value of one sample line (`name{labels} value`), or undefined when the scrape has none. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it('counts inference jobs by status, the queue, refusals and durations, beside the process metrics', async () => {
  const dwi = (await uploadFile(coordinator.url, INFERENCE_TOKEN, CASE_DWI, 'dwi.nii.gz')).body.uploadId;
  const adc = (await uploadFile(coordinator.url, INFERENCE_TOKEN, CASE_ADC, 'adc.nii.gz')).body.uploadId;
  const input = { dwi: { uploadId: dwi }, adc: { uploadId: adc } };
  const idle = await scrape();
  expect(sample(idle, 'fedstroke_inference_queue_jobs{state="running"}')).toBe(0);
  expect(sample(idle, 'fedstroke_inference_queue_jobs{state="waiting"}')).toBe(0);

  const first = await gql<{ segmentStudy: JobView }>(coordinator.url, INFERENCE_TOKEN, SEGMENT, { input });
  const job = first.data!.segmentStudy;
  const refused = await gql(coordinator.url, INFERENCE_TOKEN, SEGMENT, { input });
  expect(refused.errors?.[0].extensions?.code).toBe('QUEUE_FULL');
  const busy = await scrape();
  expect(sample(busy, 'fedstroke_inference_queue_jobs{state="running"}')).toBe(1);
  expect(sample(busy, 'fedstroke_inference_requests_refused_total{code="QUEUE_FULL"}')).toBe(1);

  expect((await waitForJob(coordinator.url, job.id)).status).toBe('SUCCEEDED');
  const done = await scrape();
  expect(sample(done, 'fedstroke_inference_queue_jobs{state="running"}')).toBe(0);
  expect(sample(done, 'fedstroke_inference_jobs_total{status="SUCCEEDED"}')).toBe(1);
  expect(sample(done, 'fedstroke_inference_job_duration_seconds_count{status="SUCCEEDED"}')).toBe(1);
  expect(sample(done, 'fedstroke_inference_job_duration_seconds_sum{status="SUCCEEDED"}')).toBeGreaterThan(0);
  expect(sample(done, 'fedstroke_inference_job_duration_seconds_bucket{le="+Inf",status="SUCCEEDED"}')).toBe(1);
  expect(sample(done, 'fedstroke_inference_queue_wait_seconds_count')).toBe(1);
  expect(done).toMatch(/^# TYPE fedstroke_inference_job_duration_seconds histogram$/m);

  // The process, as every Node service exposes it.
  expect(sample(done, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
  expect(sample(done, 'process_cpu_seconds_total')).toBeGreaterThan(0);
  expect(done).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  expect(done).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  // The federation metrics keep their names and count the kit's one round, its one accepted update, one aggregation.
  expect(sample(done, 'fedstroke_rounds_opened_total')).toBe(1);
  expect(sample(done, 'fedstroke_rounds_total{status="completed"}')).toBe(1);
  expect(sample(done, 'fedstroke_participations_total{status="accepted"}')).toBe(1);
  expect(done).toMatch(/^# TYPE fedstroke_aggregation_seconds histogram$/m);
  expect(sample(done, 'fedstroke_aggregation_seconds_count')).toBe(1);
});
