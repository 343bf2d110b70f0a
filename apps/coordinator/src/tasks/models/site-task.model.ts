import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { StrategyEnum } from '../../federations/models/federation.model';
import type { StrategyName } from '../../persistence/records';

export const TASK_KINDS = ['TRAIN', 'WAIT', 'FINISHED'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const TaskKindEnum = Object.fromEntries(TASK_KINDS.map((k) => [k, k])) as { [K in TaskKind]: K };
registerEnumType(TaskKindEnum, {
  name: 'TaskKind',
  description:
    'TRAIN: `training` says what to do. WAIT: nothing now, ask again after retryAfterSeconds. ' +
    'FINISHED: the federation named in nextTask(federationId) has ended.',
});

@ObjectType({ description: 'One round of local training for one site.' })
export class TrainingTask {
  @Field(() => ID)
  participationId!: string;
  @Field(() => ID)
  federationId!: string;
  @Field()
  federationName!: string;
  @Field(() => ID)
  roundId!: string;
  @Field(() => Int)
  roundIndex!: number;
  @Field(() => ID, { description: 'Send back as X-Fedstroke-Base-Model-Version.' })
  baseModelVersionId!: string;
  @Field({ description: 'sha256 of the model body; check the download against it.' })
  baseModelSha256!: string;
  @Field({ description: 'GET with the site token: raw little-endian float32 weights.' })
  modelDownloadPath!: string;
  @Field({ description: 'POST the update here with the site token (see the upload contract).' })
  updateUploadPath!: string;
  @Field({ description: 'Artifact configuration to train (onnx-models/<name>).' })
  modelConfigName!: string;
  @Field(() => Int)
  parameterCount!: number;
  @Field({ description: 'Send back as X-Fedstroke-Layout-Sha256; must equal the local manifest.' })
  parameterLayoutSha256!: string;
  @Field(() => StrategyEnum)
  strategy!: StrategyName;
  @Field(() => Int)
  localSteps!: number;
  @Field(() => Float)
  learningRate!: number;
  @Field(() => Float, { description: 'FedProx μ for the local proximal term; 0 = plain local training.' })
  proximalMu!: number;
  @Field({ description: 'Updates after this instant are refused.' })
  deadlineAt!: Date;
  @Field(() => Float)
  maxUpdateBytes!: number;
}

@ObjectType()
export class SiteTask {
  @Field(() => TaskKindEnum)
  kind!: TaskKind;
  @Field(() => Int, { description: 'For WAIT: when to ask again (a long poll may return earlier).' })
  retryAfterSeconds!: number;
  @Field(() => TrainingTask, { nullable: true })
  training!: TrainingTask | null;
}
