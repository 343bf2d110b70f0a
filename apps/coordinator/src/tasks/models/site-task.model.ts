import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { FederationStatusEnum, StrategyEnum } from '../../federations/models/federation.model';
import type { FederationStatus, StrategyName } from '../../persistence/records';
import { TaskPrivacy } from '../../privacy/models/privacy.model';

export const TASK_KINDS = ['TRAIN', 'WAIT', 'FINISHED'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const TaskKindEnum = Object.fromEntries(TASK_KINDS.map((k) => [k, k])) as { [K in TaskKind]: K };
registerEnumType(TaskKindEnum, {
  name: 'TaskKind',
  description:
    'TRAIN: `training` says what to do. WAIT: nothing now, ask again after retryAfterSeconds. ' +
    'FINISHED: the federation named in nextTask(federationId) has ended (federationStatus and reason say how).',
});

@ObjectType({ description: 'Candidate lesion-detection settings a site scores the global model at.' })
export class DetectionGridModel {
  @Field(() => [Float], { description: 'Probability thresholds, each in (0, 1).' })
  thresholds!: number[];
  @Field(() => [Int], { description: 'Smallest lesion kept, in 26-connected voxels (0 keeps all).' })
  minLesionVoxels!: number[];
}

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
  @Field(() => Int, { description: '1-based index of this round in the federation.' })
  roundIndex!: number;
  @Field(() => Int, {
    description:
      "The federation's round count. With roundIndex and localSteps it places this round's local steps in the " +
      'learning-rate schedule that spans the whole federation (rounds × localSteps optimizer steps).',
  })
  totalRounds!: number;
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
  @Field(() => String, {
    nullable: true,
    description:
      "SCAFFOLD: GET with the site token: the round's server control variate c (raw little-endian float32, " +
      'parameterCount values, sha256 in X-Fedstroke-Sha256). The update then carries Δc_i after the weights.',
  })
  controlVariatePath!: string | null;
  @Field({
    description:
      'FedBN-style: train from this site’s own InstanceNorm affine parameters (kept from its last accepted round) ' +
      'instead of the global model’s.',
  })
  localNorms!: boolean;
  @Field(() => DetectionGridModel, {
    nullable: true,
    description:
      'The last round of a federation that chooses its detection settings: score the global model (as received) ' +
      'on the validation split at each candidate and report the means as update metrics (detect:…).',
  })
  detectionGrid!: DetectionGridModel | null;
  @Field({ description: 'Updates after this instant are refused.' })
  deadlineAt!: Date;
  @Field(() => Float)
  maxUpdateBytes!: number;
  @Field(() => TaskPrivacy, { description: 'Secure aggregation and DP-SGD settings of this round (both null: plain).' })
  privacy!: TaskPrivacy;
}

@ObjectType()
export class SiteTask {
  @Field(() => TaskKindEnum)
  kind!: TaskKind;
  @Field(() => Int, { description: 'For WAIT: when to ask again (a long poll may return earlier).' })
  retryAfterSeconds!: number;
  @Field(() => TrainingTask, { nullable: true })
  training!: TrainingTask | null;
  @Field(() => FederationStatusEnum, {
    nullable: true,
    description:
      "Status of the federation this answer is about: the task's for TRAIN, the named one's for WAIT and FINISHED " +
      '(null for a WAIT that named no federation). A long poll on a named federation returns as soon as it changes.',
  })
  federationStatus!: FederationStatus | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why the federation is in that status, when an administrator or the coordinator said (pause, cancel).',
  })
  reason!: string | null;
}
