import { Global, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { JsonLogger } from '../logging/json-logger';
import { WeightsStore } from './weights-store';

@Global()
@Module({
  providers: [
    {
      provide: WeightsStore,
      inject: [CoordinatorConfigService],
      useFactory: (config: CoordinatorConfigService) => new WeightsStore(config.get('dataDir')),
    },
  ],
  exports: [WeightsStore],
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
