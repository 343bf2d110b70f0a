import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { date } from '../../common/metric.model';
import { Paginated } from '../../common/page.model';
import { initialModel } from '../../model-versions/model-provenance';
import {
  FEDERATION_STATUSES,
  type FederationRecord,
  type FederationStatus,
  INITIAL_MODEL_SOURCES,
  type InitialModelSource,
  STRATEGY_NAMES,
  type StrategyName,
  TRAINING_DATA_KINDS,
  type TrainingDataKind,
} from '../../persistence/records';

export const FederationStatusEnum = Object.fromEntries(FEDERATION_STATUSES.map((s) => [s, s])) as {
  [K in FederationStatus]: K;
};
registerEnumType(FederationStatusEnum, { name: 'FederationStatus' });

export const StrategyEnum = Object.fromEntries(STRATEGY_NAMES.map((s) => [s, s])) as { [K in StrategyName]: K };
registerEnumType(StrategyEnum, {
  name: 'Strategy',
  description:
    'FEDAVG: sample-weighted mean. FEDPROX: FedAvg + proximal term on sites (proximalMu). FEDADAM/FEDYOGI: server ' +
    'optimizer on the averaged delta. MEDIAN: coordinate-wise median. TRIMMED_MEAN: mean without the extremes. ' +
    "SCAFFOLD: FedAvg with control variates that correct each site's local steps for client drift.",
});

export const TrainingDataEnum = Object.fromEntries(TRAINING_DATA_KINDS.map((s) => [s, s])) as {
  [K in TrainingDataKind]: K;
};
registerEnumType(TrainingDataEnum, {
  name: 'TrainingData',
  description: 'What the sites train on, as declared at creation; every segmentation result names it.',
});

export const InitialModelSourceEnum = Object.fromEntries(INITIAL_MODEL_SOURCES.map((s) => [s, s])) as {
  [K in InitialModelSource]: K;
};
registerEnumType(InitialModelSourceEnum, {
  name: 'InitialModelSource',
  description:
    "ARTIFACTS: the config's seeded random checkpoint. MODEL_VERSION: another federation's model version. " +
    'CHECKPOINT: weights uploaded with POST /checkpoints (e.g. trained in PyTorch).',
});

@ObjectType({ description: 'What a federation started from (its round-0 model).' })
export class InitialModel {
  @Field(() => InitialModelSourceEnum)
  source!: InitialModelSource;
  @Field(() => ID, { nullable: true, description: 'The model version or checkpoint id.' })
  id!: string | null;
  @Field(() => String, { nullable: true, description: 'sha256 of the starting float32 weights.' })
  sha256!: string | null;
}

@ObjectType({ description: 'The artifact configuration a federation trains: its parameter count and layout hash.' })
export class ModelConfig {
  @Field({ description: 'Artifact configuration name (a folder under FEDSTROKE_ARTIFACTS_DIR).' })
  name!: string;

  @Field(() => Int)
  parameterCount!: number;

  @Field({ description: 'sha256 of the parameter layout (names and shapes); sites must train the same layout.' })
  parameterLayoutSha256!: string;
}

@ObjectType()
export class StrategyParams {
  @Field(() => Float, { nullable: true, description: 'FedProx proximal term weight, sent to sites.' })
  proximalMu?: number;
  @Field(() => Float, {
    nullable: true,
    description: 'Server learning rate: η of FedAdam/FedYogi, or the step size on the mean delta of FedAvg/FedProx.',
  })
  serverLearningRate?: number;
  @Field(() => Float, { nullable: true, description: 'Server momentum β on the mean delta (FedAvg/FedProx: FedAvgM).' })
  serverMomentum?: number;
  @Field(() => Float, { nullable: true })
  beta1?: number;
  @Field(() => Float, { nullable: true })
  beta2?: number;
  @Field(() => Float, { nullable: true, description: 'Adaptivity epsilon of FedAdam/FedYogi.' })
  tau?: number;
  @Field(() => Float, { nullable: true, description: 'Share trimmed from each end (TRIMMED_MEAN).' })
  trimRatio?: number;
  @Field(() => Float, { nullable: true, description: 'L2 bound each update delta is clipped to.' })
  clipNorm?: number;
  @Field(() => Float, {
    nullable: true,
    description: 'Gaussian noise std in units of clipNorm (DP-FedAvg z); needs clipNorm.',
  })
  noiseMultiplier?: number;
  @Field(() => Int, { nullable: true })
  noiseSeed?: number;
  @Field(() => Float, { nullable: true, description: 'Updates whose delta L2 norm exceeds this are rejected.' })
  maxUpdateNorm?: number;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'FedBN-style personalisation: each site keeps its own InstanceNorm affine parameters and trains from them; the ' +
      'global model carries their average.',
  })
  localNorms?: boolean;
  @Field(() => Boolean, {
    nullable: true,
    description:
      "Sites score the last round's global model on a grid of thresholds and minimum lesion sizes on their " +
      'validation splits; the best (mean Dice + lesion F1) is recorded on the final model version and used by inference.',
  })
  detectionSelection?: boolean;
}

@ObjectType()
export class FederationConfig {
  @Field(() => StrategyEnum)
  strategy!: StrategyName;
  @Field(() => Int)
  rounds!: number;
  @Field(() => Int)
  sitesPerRound!: number;
  @Field(() => Int, { description: 'Accepted updates that close a round early.' })
  quorum!: number;
  @Field(() => Int, { description: 'Accepted updates needed at the deadline; fewer fails the round.' })
  minUpdatesAtDeadline!: number;
  @Field(() => Int, {
    nullable: true,
    description: 'Failed rounds in a row that stop the federation as FAILED; null (created before it existed): never.',
  })
  maxConsecutiveFailedRounds!: number | null;
  @Field(() => Int)
  deadlineSeconds!: number;
  @Field(() => Int)
  localSteps!: number;
  @Field(() => Float)
  learningRate!: number;
  @Field(() => ModelConfig)
  model!: ModelConfig;
  @Field(() => StrategyParams)
  strategyParams!: StrategyParams;
  @Field(() => TrainingDataEnum)
  trainingData!: TrainingDataKind;
  @Field(() => InitialModel)
  initialModel!: InitialModel;
}

@ObjectType()
export class Federation {
  @Field(() => ID)
  id!: string;
  @Field()
  name!: string;
  @Field(() => FederationStatusEnum)
  status!: FederationStatus;
  @Field(() => FederationConfig)
  config!: FederationConfig;
  @Field()
  createdAt!: Date;
  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;
  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why it was paused, cancelled or failed.' })
  statusReason!: string | null;

  static from(record: FederationRecord): Federation {
    const start = initialModel(record);
    return Object.assign(new Federation(), {
      ...record,
      config: {
        ...record.config,
        trainingData: record.config.trainingData ?? 'UNDECLARED',
        maxConsecutiveFailedRounds: record.config.maxConsecutiveFailedRounds ?? null,
        initialModel: { ...start, sha256: start.sha256 || null },
      },
      createdAt: new Date(record.createdAt),
      startedAt: date(record.startedAt),
      endedAt: date(record.endedAt),
    });
  }
}

@ObjectType()
export class FederationPage extends Paginated(Federation) {}
