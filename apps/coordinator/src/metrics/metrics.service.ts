/**
 * The coordinator's operational metrics, on prom-client, rendered at /metrics in the Prometheus text format with the
 * process metrics (process-metrics.ts). Each app has its own registry, so several coordinators in one process (the
 * tests) do not count into each other. Federation metrics keep the names they had before prom-client.
 */
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { processMetrics } from './process-metrics';

/** Seconds: from a small study on a fast machine to the default 120 s job timeout and beyond. */
const INFERENCE_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

@Injectable()
export class MetricsService {
  private readonly registry = new Registry();
  private readonly registers = [this.registry];

  readonly roundsEnded = new Counter({
    name: 'fedstroke_rounds_total',
    help: 'Rounds that ended, by final status.',
    labelNames: ['status'],
    registers: this.registers,
  });
  readonly roundsOpened = new Counter({
    name: 'fedstroke_rounds_opened_total',
    help: 'Rounds opened (published).',
    registers: this.registers,
  });
  readonly participations = new Counter({
    name: 'fedstroke_participations_total',
    help: 'Participation outcomes (assigned, accepted, rejected, failed, dropped).',
    labelNames: ['status'],
    registers: this.registers,
  });
  readonly aggregationSeconds = new Histogram({
    name: 'fedstroke_aggregation_seconds',
    help: 'Wall time of one aggregation, reading updates to the stored model.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: this.registers,
  });
  readonly bytesIn = new Counter({
    name: 'fedstroke_update_bytes_received_total',
    help: 'Update bytes received from sites.',
    registers: this.registers,
  });
  readonly bytesOut = new Counter({
    name: 'fedstroke_model_bytes_sent_total',
    help: 'Model bytes sent to clients.',
    registers: this.registers,
  });

  readonly inferenceJobs = new Counter({
    name: 'fedstroke_inference_jobs_total',
    help: 'Segmentation jobs that ended, by final status (SUCCEEDED, FAILED, TIMED_OUT).',
    labelNames: ['status'],
    registers: this.registers,
  });
  readonly inferenceRefused = new Counter({
    name: 'fedstroke_inference_requests_refused_total',
    help: 'segmentStudy requests refused before a job was queued, by error code (QUEUE_FULL, NO_SERVING_MODEL, ...).',
    labelNames: ['code'],
    registers: this.registers,
  });
  readonly inferenceQueueWaitSeconds = new Histogram({
    name: 'fedstroke_inference_queue_wait_seconds',
    help: 'Time a job waited in the queue before it started computing.',
    buckets: INFERENCE_SECONDS,
    registers: this.registers,
  });
  readonly inferenceRunSeconds = new Histogram({
    name: 'fedstroke_inference_job_duration_seconds',
    help: 'Time a job computed, from start to its final status, by that status.',
    labelNames: ['status'],
    buckets: INFERENCE_SECONDS,
    registers: this.registers,
  });

  /** `fedstroke_inference_queue_jobs{state}`: read from the queue at each scrape. */
  observeInferenceQueue(read: () => { running: number; waiting: number }): void {
    new Gauge({
      name: 'fedstroke_inference_queue_jobs',
      help: 'Segmentation jobs in the queue now: running (computing) and waiting.',
      labelNames: ['state'],
      registers: this.registers,
      collect() {
        const { running, waiting } = read();
        this.set({ state: 'running' }, running);
        this.set({ state: 'waiting' }, waiting);
      },
    });
  }

  readonly contentType = this.registry.contentType;

  render(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
