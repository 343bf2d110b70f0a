import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { STRATEGY_NAMES, type StrategyName } from '../../persistence/records';
import { StrategyEnum } from '../models/federation.model';

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
}
