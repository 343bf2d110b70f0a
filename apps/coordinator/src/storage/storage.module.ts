import { Global, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { JsonLogger } from '../logging/json-logger';
import { StorageHealth } from './storage-health';
import { UpdateRetentionService } from './update-retention.service';
import { UploadGate } from './upload-gate';
import { WeightsStore } from './weights-store';

@Global()
@Module({
  providers: [
    {
      provide: WeightsStore,
      inject: [CoordinatorConfigService],
      useFactory: (config: CoordinatorConfigService) => new WeightsStore(config.get('dataDir')),
    },
    {
      provide: StorageHealth,
      inject: [WeightsStore, CoordinatorConfigService],
      useFactory: (store: WeightsStore, config: CoordinatorConfigService) =>
        new StorageHealth(store, config.get('storageMinFreeBytes')),
    },
    {
      provide: UploadGate,
      inject: [CoordinatorConfigService],
      useFactory: (config: CoordinatorConfigService) =>
        new UploadGate({ perCaller: config.get('uploadsPerCaller'), total: config.get('uploadsInFlight') }),
    },
    UpdateRetentionService,
  ],
  exports: [WeightsStore, StorageHealth, UploadGate],
})
export class StorageModule implements OnApplicationBootstrap {
  constructor(
    private readonly store: WeightsStore,
    private readonly log: JsonLogger,
  ) {}

  /** Runs before the server listens, so no upload can be in flight. */
  async onApplicationBootstrap(): Promise<void> {
    const removed = await this.store.sweepTemporaries();
    if (removed.length > 0) this.log.event('info', 'storage.swept_temporaries', { count: removed.length });
  }
}
