/**
 * Deletes accepted updates once nothing can need them again: a round's folder goes when the round has ended
 * (COMPLETED with its aggregate committed, FAILED or CANCELLED). Rounds of a federation run one after another and
 * the next one opens in the transaction that ends the last, so every round before the latest has ended, and the
 * latest has ended when its status says so. An OPEN or AGGREGATING round keeps its files: a coordinator killed
 * mid-aggregation aggregates them again after the restart. Model versions are always kept.
 *
 * Sweeps at boot (catching deletions a crash interrupted), every few seconds and at shutdown;
 * FEDSTROKE_UPDATE_RETENTION=keep turns it off.
 */
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { readdir, rm } from 'node:fs/promises';
import { PeriodicSweep } from '../common/periodic-sweep';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { JsonLogger } from '../logging/json-logger';
import { RoundRepository } from '../persistence/repositories';
import { roundIndexOfDir, UPDATES_DIR } from './update-files';
import { WeightsStore } from './weights-store';

const SWEEP_PERIOD_MS = 2000;
const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

@Injectable()
export class UpdateRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sweeper = new PeriodicSweep(() => this.sweep());

  constructor(
    private readonly config: CoordinatorConfigService,
    private readonly rounds: RoundRepository,
    private readonly store: WeightsStore,
    private readonly log: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.get('updateRetention') !== 'keep') this.sweeper.start(SWEEP_PERIOD_MS);
  }

  /** A last sweep, so the updates of a round that ended just before a shutdown do not wait for the next boot. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.sweeper.started) return;
    await this.sweeper.stop();
    await this.sweep();
  }

  /** Deletes the update folders of ended rounds; returns them, relative to the data directory. */
  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    try {
      for (const federationId of await this.folders(UPDATES_DIR)) {
        if (federationId.startsWith('.')) continue;
        const latest = await this.rounds.latest(federationId);
        // A folder of a federation the database does not know is left for an operator to look at.
        if (!latest) continue;
        for (const name of await this.folders(`${UPDATES_DIR}/${federationId}`)) {
          const index = roundIndexOfDir(name);
          if (index === null) continue;
          if (index < latest.index || (index === latest.index && ENDED.has(latest.status))) {
            const folder = `${UPDATES_DIR}/${federationId}/${name}`;
            await rm(this.store.resolve(folder), { recursive: true, force: true });
            removed.push(folder);
          }
        }
      }
    } catch (error) {
      this.log.event('error', 'storage.update_retention_failed', { message: (error as Error).message });
    }
    if (removed.length > 0) this.log.event('info', 'storage.updates_deleted', { folders: removed.join(', ') });
    return removed;
  }

  private async folders(dir: string): Promise<string[]> {
    try {
      const entries = await readdir(this.store.resolve(dir), { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}
