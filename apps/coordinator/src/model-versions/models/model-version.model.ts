import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { modelDownloadPath } from '@fedstroke/protocol';
import { Metric, toMetricList } from '../../common/metric.model';
import { Paginated } from '../../common/page.model';
import type { ModelVersionRecord } from '../../persistence/records';

@ObjectType({ description: 'A global model: the initial weights (round 0) or the aggregate of a completed round.' })
export class ModelVersion {
  @Field(() => ID)
  id!: string;
  @Field(() => ID)
  federationId!: string;
  @Field(() => Int)
  roundIndex!: number;
  @Field({ description: 'sha256 (hex) of the raw float32 weights.' })
  sha256!: string;
  @Field(() => Float)
  sizeBytes!: number;
  @Field(() => Int)
  parameterCount!: number;
  @Field(() => [Metric])
  metrics!: Metric[];
  @Field()
  createdAt!: Date;
  @Field({ description: 'GET this path (with a bearer token) for the raw little-endian float32 weights.' })
  downloadPath!: string;

  static from(record: ModelVersionRecord): ModelVersion {
    return Object.assign(new ModelVersion(), {
      id: record.id,
      federationId: record.federationId,
      roundIndex: record.roundIndex,
      sha256: record.sha256,
      sizeBytes: record.sizeBytes,
      parameterCount: record.sizeBytes / 4,
      metrics: toMetricList(record.metrics),
      createdAt: new Date(record.createdAt),
      downloadPath: modelDownloadPath(record.id),
    });
  }
}

@ObjectType()
export class ModelVersionPage extends Paginated(ModelVersion) {}
