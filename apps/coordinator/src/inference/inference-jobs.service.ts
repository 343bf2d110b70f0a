/**
 * Segmentation jobs: checked and queued by `submit` (every refusal — a bad source, files that do not fit together,
 * no model, a full queue — is immediate and audited), computed by `execute` under the queue's concurrency limit and
 * timeout, results written under the data directory and described in the job row.
 */
import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FedstrokeError } from '@fedstroke/common';
import { DEFAULT_DETECTION_SETTINGS, recordedDetectionSettings } from '@fedstroke/metrics';
import {
  inspectStudy,
  loadStudy,
  type LoadStudyOptions,
  SegmentationAbortedError,
  segmentStudy,
  type StudyFiles,
  summarizeSegmentation,
  writeSegmentation,
} from '@fedstroke/inference';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import type { InferenceConfig } from '../config/inference-config';
import { JsonLogger } from '../logging/json-logger';
import { MetricsService } from '../metrics/metrics.service';
import type { Page, PageRequest } from '../persistence/records';
import { WeightsStore } from '../storage/weights-store';
import type { SegmentStudyInput } from './dto/segment-study.input';
import { JobEvents } from './job-events.service';
import { JobQueue, JobStopped } from './job-queue';
import { type ChosenModel, ModelCatalog } from './model-catalog.service';
import type {
  Caller,
  InferenceJobRecord,
  InferenceJobStatus,
  JobInput,
  StudyRoleKey,
} from './persistence/inference-records';
import { InferenceRepository } from './persistence/inference.repository';
import { type ResolvedSource, StudySources } from './study-sources';

interface PendingJob {
  files: StudyFiles;
  load: LoadStudyOptions;
  model: ChosenModel;
}

const ROLES: Array<[StudyRoleKey, 'DWI' | 'ADC' | 'FLAIR']> = [
  ['dwi', 'DWI'],
  ['adc', 'ADC'],
  ['flair', 'FLAIR'],
];

@Injectable()
export class InferenceJobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly queue: JobQueue;
  private readonly pending = new Map<string, PendingJob>();

  /** The `inference` section of the coordinator's config. */
  private readonly settings: InferenceConfig;

  constructor(
    config: CoordinatorConfigService,
    private readonly repository: InferenceRepository,
    private readonly sources: StudySources,
    private readonly models: ModelCatalog,
    private readonly events: JobEvents,
    private readonly store: WeightsStore,
    private readonly metrics: MetricsService,
    private readonly log: JsonLogger,
  ) {
    this.settings = config.get('inference');
    this.queue = new JobQueue(this.settings.concurrency, this.settings.queueCapacity, this.settings.jobTimeoutMs);
    metrics.observeInferenceQueue(() => this.queue.stats());
  }

  /** Jobs a previous process left queued or running cannot resume (their inputs were in memory): fail them. */
  async onApplicationBootstrap(): Promise<void> {
    for (const job of await this.repository.listUnfinished()) {
      await this.finish(job.id, ['QUEUED', 'RUNNING'], {
        status: 'FAILED',
        errorCode: 'COORDINATOR_RESTARTED',
        errorMessage: 'the coordinator restarted before this job finished; submit it again',
      });
    }
  }

  /**
   * Before the database and the models close: running jobs are stopped at their next window and recorded as
   * FAILED (COORDINATOR_SHUTDOWN); waiting ones stay QUEUED and are failed at the next boot.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  get(id: string): Promise<InferenceJobRecord | null> {
    return this.repository.getJob(id);
  }

  list(page: PageRequest, status?: InferenceJobStatus): Promise<Page<InferenceJobRecord>> {
    return this.repository.listJobs(page, status);
  }

  queuePosition(id: string): number {
    return this.queue.position(id);
  }

  async submit(input: SegmentStudyInput, caller: Caller): Promise<InferenceJobRecord> {
    const inputs: Partial<Record<StudyRoleKey, JobInput>> = {};
    let modelVersionId: string | null = input.modelVersionId ?? null;
    let modelSha256: string | null = null;
    const resolved: Partial<Record<StudyRoleKey, ResolvedSource>> = {};
    try {
      for (const [key, role] of ROLES) {
        const given = input[key];
        if (!given) continue;
        resolved[key] = await this.sources.resolve(role, given);
        inputs[key] = { source: resolved[key]!.source, sha256: resolved[key]!.sha256 };
      }
      const files: StudyFiles = {
        dwi: resolved.dwi!.path,
        adc: resolved.adc!.path,
        ...(resolved.flair ? { flair: resolved.flair.path } : {}),
      };
      const load: LoadStudyOptions = {
        limits: { maxVoxels: this.settings.maxVoxels },
        labels: { DWI: resolved.dwi!.label, ADC: resolved.adc!.label, FLAIR: resolved.flair?.label },
      };
      // Header-level checks now, so a study that cannot be segmented is refused before it takes a queue place.
      await inspectStudy(files, load);
      const model = await this.models.choose(input.modelVersionId);
      modelVersionId = model.version.id;
      modelSha256 = model.version.sha256;
      const job = await this.enqueue(input, caller, inputs, { files, load, model });
      // A queued job may wait a while: its uploads must outlive the wait and the run.
      const keepUntil = Date.now() + this.settings.retentionMs + this.settings.jobTimeoutMs;
      for (const source of Object.values(resolved)) {
        if (source?.uploadId) await this.repository.extendUpload(source.uploadId, keepUntil);
      }
      await this.audit(caller, job.id, modelVersionId, modelSha256, inputs, 'ACCEPTED', null);
      return job;
    } catch (error) {
      const code = error instanceof FedstrokeError ? error.code : 'INTERNAL';
      this.metrics.inferenceRefused.inc({ code });
      await this.audit(caller, null, modelVersionId, modelSha256, inputs, 'REFUSED', code);
      throw error;
    }
  }

  private async enqueue(
    input: SegmentStudyInput,
    caller: Caller,
    inputs: Partial<Record<StudyRoleKey, JobInput>>,
    pending: PendingJob,
  ): Promise<InferenceJobRecord> {
    const id = randomUUID();
    let created!: (ok: boolean) => void;
    const ready = new Promise<boolean>((resolve) => (created = resolve));
    // Throws QUEUE_FULL before anything is written; the task waits until its row exists.
    this.queue.submit({
      id,
      run: async (signal) => {
        if (await ready) await this.execute(id, signal);
      },
      onTimeout: (ms) => {
        void ready.then(() =>
          this.finish(id, ['QUEUED', 'RUNNING'], {
            status: 'TIMED_OUT',
            errorCode: 'JOB_TIMEOUT',
            errorMessage: `the job exceeded the inference timeout of ${ms} ms and was stopped`,
          }),
        );
      },
    });
    // What the federation chose on its sites' validation splits, when it did; the caller's own figures win.
    const recorded = recordedDetectionSettings(pending.model.version.metrics) ?? DEFAULT_DETECTION_SETTINGS;
    const job: InferenceJobRecord = {
      id,
      status: 'QUEUED',
      ...caller,
      modelVersionId: pending.model.version.id,
      modelSha256: pending.model.version.sha256,
      modelConfig: pending.model.config,
      inputs,
      options: {
        returnProbability: input.returnProbability ?? false,
        threshold: input.threshold ?? recorded.threshold,
        minLesionVoxels: input.minLesionVoxels ?? recorded.minLesionVoxels,
        tta: input.tta ?? false,
      },
      result: null,
      errorCode: null,
      errorMessage: null,
      maskFile: null,
      probFile: null,
      createdAt: Date.now(),
      startedAt: null,
      finishedAt: null,
      expiresAt: null,
    };
    try {
      await this.repository.createJob(job);
    } catch (error) {
      created(false);
      throw error;
    }
    this.pending.set(id, pending);
    created(true);
    return job;
  }

  private async execute(id: string, signal: AbortSignal): Promise<void> {
    const pending = this.pending.get(id)!;
    this.pending.delete(id);
    const running = await this.finish(id, ['QUEUED'], { status: 'RUNNING', startedAt: Date.now() });
    if (!running) return;
    this.log.event('info', 'inference.job_started', { jobId: id, modelVersionId: running.modelVersionId });
    try {
      const result = await this.models.withModel(pending.model, async (model) => {
        // The study goes through the preprocessing the model records, as its training cases did.
        const study = await loadStudy(pending.files, model.preprocessing, pending.load);
        return segmentStudy(study, model, {
          threshold: running.options.threshold,
          minLesionVoxels: running.options.minLesionVoxels,
          tta: running.options.tta,
          returnProbability: running.options.returnProbability,
          signal,
        });
      });
      const maskFile = `inference/results/${id}/mask.nii.gz`;
      const probFile = running.options.returnProbability ? `inference/results/${id}/prob.nii.gz` : null;
      await mkdir(dirname(this.store.resolve(maskFile)), { recursive: true });
      await writeSegmentation(
        result,
        this.store.resolve(maskFile),
        probFile ? this.store.resolve(probFile) : undefined,
      );
      const now = Date.now();
      const done = await this.finish(id, ['RUNNING'], {
        status: 'SUCCEEDED',
        result: summarizeSegmentation(result),
        maskFile,
        probFile,
        finishedAt: now,
        expiresAt: now + this.settings.retentionMs,
      });
      // A job that timed out while writing keeps TIMED_OUT; its files go.
      if (!done) await rm(dirname(this.store.resolve(maskFile)), { recursive: true, force: true });
      this.log.event('info', 'inference.job_finished', {
        jobId: id,
        status: done?.status ?? 'TIMED_OUT',
        lesionCount: result.lesionCount,
        totalMs: Math.round(result.timings.totalMs),
      });
    } catch (error) {
      const outcome = this.failure(error, signal);
      await this.finish(id, ['RUNNING'], outcome);
      // Codes and messages name files by upload id or the caller's path; voxels never reach the log.
      const level = outcome.errorCode === 'INTERNAL' ? 'error' : 'warn';
      this.log.event(level, 'inference.job_failed', { jobId: id, code: outcome.errorCode });
    }
  }

  /** What a job that threw becomes: stopped by its timeout, by a shutdown, or failed with the error's code. */
  private failure(error: unknown, signal: AbortSignal): Partial<InferenceJobRecord> & { errorCode: string } {
    const stopped = signal.aborted && signal.reason instanceof JobStopped ? signal.reason : null;
    if (stopped?.why === 'SHUTDOWN') {
      return {
        status: 'FAILED',
        errorCode: 'COORDINATOR_SHUTDOWN',
        errorMessage: 'the coordinator shut down while this job ran; submit it again',
      };
    }
    if (stopped || error instanceof SegmentationAbortedError) {
      return {
        status: 'TIMED_OUT',
        errorCode: 'JOB_TIMEOUT',
        errorMessage: `the job exceeded the inference timeout of ${this.settings.jobTimeoutMs} ms and was stopped`,
      };
    }
    return {
      status: 'FAILED',
      errorCode: error instanceof FedstrokeError ? error.code : 'INTERNAL',
      errorMessage: error instanceof Error ? error.message : String(error),
    };
  }

  /** Moves a job on (only from `from`), stamps finishedAt on terminal states, and tells subscribers. */
  private async finish(
    id: string,
    from: InferenceJobStatus[],
    changes: Partial<InferenceJobRecord>,
  ): Promise<InferenceJobRecord | null> {
    const terminal = changes.status !== 'RUNNING' && changes.status !== 'QUEUED';
    const job = await this.repository.updateJob(id, from, {
      ...(terminal && changes.finishedAt === undefined ? { finishedAt: Date.now() } : {}),
      ...changes,
    });
    if (job) {
      this.count(job);
      this.events.publish(job);
    }
    return job;
  }

  /** The job just moved: into RUNNING (it waited this long) or to its final status (it computed this long). */
  private count(job: InferenceJobRecord): void {
    if (job.status === 'RUNNING' && job.startedAt !== null) {
      this.metrics.inferenceQueueWaitSeconds.observe((job.startedAt - job.createdAt) / 1000);
    } else if (job.status === 'SUCCEEDED' || job.status === 'FAILED' || job.status === 'TIMED_OUT') {
      this.metrics.inferenceJobs.inc({ status: job.status });
      const from = job.startedAt ?? job.createdAt;
      if (job.finishedAt !== null) {
        this.metrics.inferenceRunSeconds.observe({ status: job.status }, (job.finishedAt - from) / 1000);
      }
    }
  }

  private audit(
    caller: Caller,
    jobId: string | null,
    modelVersionId: string | null,
    modelSha256: string | null,
    inputs: Partial<Record<StudyRoleKey, JobInput>>,
    outcome: string,
    errorCode: string | null,
  ): Promise<void> {
    const inputSha256s = Object.fromEntries(Object.entries(inputs).map(([role, input]) => [role, input!.sha256]));
    return this.repository.audit({
      ...caller,
      at: Date.now(),
      action: 'SEGMENT',
      jobId,
      modelVersionId,
      modelSha256,
      inputSha256s,
      outcome,
      errorCode,
    });
  }
}
