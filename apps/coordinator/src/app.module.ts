import { type DynamicModule, Global, Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { AuthModule } from './auth/auth.module';
import { TokenAuthenticator } from './auth/token-authenticator.service';
import type { CoordinatorConfig } from './config/coordinator-config';
import { CoordinatorConfigService } from './config/coordinator-config.service';
import { DashboardModule } from './dashboard/dashboard.module';
import { FederationsModule } from './federations/federations.module';
import { graphqlOptions } from './graphql/graphql-options';
import { HealthModule } from './health/health.module';
import { InferenceModule } from './inference/inference.module';
import { JsonLogger } from './logging/json-logger';
import { MetricsModule } from './metrics/metrics.module';
import { ModelVersionsModule } from './model-versions/model-versions.module';
import { OrchestrationModule } from './orchestration/orchestration.module';
import { ParticipationsModule } from './participations/participations.module';
import { PersistenceModule } from './persistence/persistence.module';
import { PrivacyModule } from './privacy/privacy.module';
import { RoundEventsModule } from './rounds/round-events.module';
import { RoundsModule } from './rounds/rounds.module';
import { ServingModule } from './serving/serving.module';
import { SitesModule } from './sites/sites.module';
import { StorageModule } from './storage/storage.module';
import { SiteTasksModule } from './tasks/site-tasks.module';
import { TransferModule } from './transfer/transfer.module';
import { ViewerModule } from './viewer/viewer.module';

/** Config and logger, the two things every module may inject. */
@Global()
@Module({})
class CoreModule {
  static forRoot(config: CoordinatorConfig, logger: JsonLogger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CoordinatorConfigService, useValue: new CoordinatorConfigService(config) },
        { provide: JsonLogger, useValue: logger },
      ],
      exports: [CoordinatorConfigService, JsonLogger],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: CoordinatorConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger),
        PersistenceModule,
        StorageModule,
        MetricsModule,
        AuthModule,
        RoundEventsModule,
        ServingModule,
        PrivacyModule,
        OrchestrationModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [TokenAuthenticator, JsonLogger, CoordinatorConfigService],
          useFactory: graphqlOptions,
        }),
        FederationsModule,
        RoundsModule,
        ParticipationsModule,
        ModelVersionsModule,
        SitesModule,
        SiteTasksModule,
        TransferModule,
        InferenceModule,
        HealthModule,
        ViewerModule,
        DashboardModule,
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ transform: true, forbidUnknownValues: false }),
        },
      ],
    };
  }
}
