/**
 * Deletes results and uploads once their retention has passed: result files go and the job becomes EXPIRED (its
 * figures stay, for the record); upload files go and the upload id stops resolving. Runs at boot and then at a
 * period of half the retention (between 200 ms and a minute).
 */
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PeriodicSweep } from '../common/periodic-sweep';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import type { InferenceConfig } from '../config/inference-config';
import { JsonLogger } from '../logging/json-logger';
import { WeightsStore } from '../storage/weights-store';
import { JobEvents } from './job-events.service';
import { InferenceRepository } from './persistence/inference.repository';

@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sweeper = new PeriodicSweep(() => this.sweep());

  /** The `inference` section of the coordinator's config. */
  private readonly settings: InferenceConfig;

  constructor(
    config: CoordinatorConfigService,
    private readonly repository: InferenceRepository,
    private readonly store: WeightsStore,
    private readonly events: JobEvents,
    private readonly log: JsonLogger,
  ) {
    this.settings = config.get('inference');
  }

  onApplicationBootstrap(): void {
    this.sweeper.start(Math.min(60_000, Math.max(200, Math.floor(this.settings.retentionMs / 2))));
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweeper.stop();
  }

  async sweep(now = Date.now()): Promise<void> {
    try {
      for (const job of await this.repository.listExpiredJobs(now)) {
        if (job.maskFile) await rm(dirname(this.store.resolve(job.maskFile)), { recursive: true, force: true });
        const expired = await this.repository.updateJob(job.id, [job.status], {
          status: 'EXPIRED',
          maskFile: null,
          probFile: null,
        });
        if (expired) this.events.publish(expired);
      }
      for (const upload of await this.repository.listExpiredUploads(now)) {
        // Unresolvable first, then gone: a request racing the sweep gets UPLOAD_NOT_FOUND, never a missing file.
        await this.repository.markUploadDeleted(upload.id, now);
        await rm(this.store.resolve(upload.file), { force: true });
      }
    } catch (error) {
      this.log.event('error', 'inference.retention_failed', { message: (error as Error).message });
    }
  }
}
