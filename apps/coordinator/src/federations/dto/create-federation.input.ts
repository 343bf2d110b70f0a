import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  STRATEGY_NAMES,
  type StrategyName,
  TRAINING_DATA_KINDS,
  type TrainingDataKind,
} from '../../persistence/records';
import { DifferentialPrivacyInput, SecureAggregationInput } from '../../privacy/dto/privacy.input';
import { StrategyEnum, TrainingDataEnum } from '../models/federation.model';

/** Three failed rounds in a row: one can be bad luck (a deadline missed), three say something is wrong. */
export const DEFAULT_MAX_CONSECUTIVE_FAILED_ROUNDS = 3;

@InputType({
  description:
    "What the federation starts from instead of the config's random checkpoint: one of the two, validated against " +
    "the config's manifest (parameter names, shapes, finite values).",
})
export class InitialModelInput {
  @Field(() => ID, { nullable: true, description: 'A model version (of any federation with the same layout).' })
  @IsOptional()
  @IsUUID()
  modelVersionId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A checkpoint uploaded with POST /checkpoints?config=NAME.' })
  @IsOptional()
  @IsUUID()
  checkpointId?: string | null;
}

@InputType()
export class StrategyParamsInput {
  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsNumber()
  @Min(0)
  proximalMu?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsPositive()
  serverLearningRate?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(0.999999)
  serverMomentum?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(0.999999)
  beta1?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(0.999999)
  beta2?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsPositive()
  tau?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(0.49)
  trimRatio?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsPositive()
  clipNorm?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  noiseMultiplier?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  noiseSeed?: number;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsPositive()
  maxUpdateNorm?: number;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  localNorms?: boolean;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  detectionSelection?: boolean;
}

@InputType()
export class CreateFederationInput {
  @Field({ description: 'Unique, 1-100 characters of letters, digits, dot, dash, underscore.' })
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'name may only hold letters, digits, ".", "-" and "_"' })
  name!: string;

  @Field({ description: 'Artifact configuration name: FEDSTROKE_ARTIFACTS_DIR/<name>/manifest.json must exist.' })
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'modelConfigName may only hold letters, digits, ".", "-" and "_"' })
  modelConfigName!: string;

  @Field(() => [ID], {
    description:
      'The member sites (registered, ACTIVE): only they are given its rounds and download its models. At least ' +
      'minUpdatesAtDeadline sites; an empty list is refused. addFederationSite / removeFederationSite change it.',
  })
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  siteIds!: string[];

  @Field(() => StrategyEnum, { defaultValue: 'FEDAVG' })
  @IsIn(STRATEGY_NAMES)
  strategy: StrategyName = 'FEDAVG';

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(100000)
  rounds!: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(10000)
  sitesPerRound!: number;

  @Field(() => Int, { nullable: true, description: 'Default: sitesPerRound.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  quorum?: number;

  @Field(() => Int, { defaultValue: 1 })
  @IsInt()
  @Min(1)
  minUpdatesAtDeadline = 1;

  @Field(() => Int, {
    defaultValue: DEFAULT_MAX_CONSECUTIVE_FAILED_ROUNDS,
    description:
      'Failed rounds in a row after which the federation stops as FAILED, with the reason, instead of taking a ' +
      "deadline of every site's time for each round to its last. Set it to `rounds` never to stop early.",
  })
  @IsInt()
  @Min(1)
  @Max(100000)
  maxConsecutiveFailedRounds = DEFAULT_MAX_CONSECUTIVE_FAILED_ROUNDS;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  deadlineSeconds!: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  localSteps!: number;

  @Field(() => Float)
  @IsPositive()
  learningRate!: number;

  @Field(() => StrategyParamsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => StrategyParamsInput)
  strategyParams?: StrategyParamsInput;

  @Field(() => TrainingDataEnum, { defaultValue: 'UNDECLARED', description: 'What the sites train on.' })
  @IsIn(TRAINING_DATA_KINDS)
  trainingData: TrainingDataKind = 'UNDECLARED';

  @Field(() => InitialModelInput, { nullable: true, description: "Default: the config's artifacts checkpoint." })
  @IsOptional()
  @ValidateNested()
  @Type(() => InitialModelInput)
  initialModel?: InitialModelInput | null;

  @Field(() => SecureAggregationInput, { nullable: true, description: 'Opt in to secure aggregation.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SecureAggregationInput)
  secureAggregation?: SecureAggregationInput;

  @Field(() => DifferentialPrivacyInput, { nullable: true, description: 'Opt in to differential privacy.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DifferentialPrivacyInput)
  differentialPrivacy?: DifferentialPrivacyInput;
}
