import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsPositive, Max, Min, ValidateNested } from 'class-validator';

@InputType({
  description:
    'Secure aggregation (SecAgg, Bonawitz et al. 2017): sites mask their clipped updates so that the coordinator ' +
    'learns only their sum. Refuses strategies and checks that need individual updates (MEDIAN, TRIMMED_MEAN, ' +
    'maxUpdateNorm, strategyParams.clipNorm).',
})
export class SecureAggregationInput {
  @Field(() => Int, {
    description:
      'Shares needed to unmask, and the fewest sites a round can be unmasked with; more than sitesPerRound / 2 ' +
      '(so no coordinator can collect both secrets of one site) and at most sitesPerRound.',
  })
  @IsInt()
  @Min(2)
  threshold!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'L2 norm sites clip their delta to before masking. Default: differentialPrivacy.clientLevel.clipNorm.',
  })
  @IsOptional()
  @IsPositive()
  clipNorm?: number;

  @Field(() => Int, { defaultValue: 1000, description: 'Cap on a site’s aggregation weight (its sample count).' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxSampleWeight = 1000;

  @Field(() => Int, { defaultValue: 120, description: 'Seconds each key-exchange and unmasking step waits for sites.' })
  @IsInt()
  @Min(5)
  @Max(24 * 3600)
  stepSeconds = 120;
}

@InputType({ description: 'Adaptive clipping (Andrew et al. 2021): C follows the targetQuantile of update norms.' })
export class AdaptiveClippingInput {
  @Field(() => Float, { defaultValue: 0.5 })
  @Min(0.01)
  @Max(0.99)
  targetQuantile = 0.5;

  @Field(() => Float, { defaultValue: 0.2, description: 'Geometric step η_C of the clip norm per round.' })
  @IsPositive()
  learningRate = 0.2;

  @Field(() => Float, {
    nullable: true,
    description:
      'Noise std σ_b on the count of unclipped updates; > noiseMultiplier / 2. Default max(sitesPerRound / 20, noiseMultiplier).',
  })
  @IsOptional()
  @IsPositive()
  countNoiseStd?: number;
}

@InputType({
  description:
    'Client-level DP-FedAvg (McMahan et al. 2018): each site’s delta clipped to clipNorm, Gaussian noise of ' +
    'noiseMultiplier × clipNorm on the sum (by the coordinator, or split among the sites under secure ' +
    'aggregation), divided by sitesPerRound.',
})
export class ClientDpInput {
  @Field(() => Float)
  @IsPositive()
  noiseMultiplier!: number;

  @Field(() => Float)
  @IsPositive()
  clipNorm!: number;

  @Field(() => AdaptiveClippingInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AdaptiveClippingInput)
  adaptiveClipping?: AdaptiveClippingInput;
}

@InputType({
  description:
    'Sample-level DP-SGD at every site (Abadi et al. 2016): Poisson-sampled cases (q = expectedBatchSize / cases), ' +
    'each case’s gradient clipped to clipNorm, Gaussian noise of noiseMultiplier × clipNorm per step.',
})
export class SampleDpInput {
  @Field(() => Float)
  @IsPositive()
  noiseMultiplier!: number;

  @Field(() => Float)
  @IsPositive()
  clipNorm!: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(64)
  expectedBatchSize!: number;
}

@InputType({
  description: 'Differential privacy with a Rényi-DP accountant that reports ε at delta after every round.',
})
export class DifferentialPrivacyInput {
  @Field(() => Float, { defaultValue: 1e-5 })
  @Min(1e-12)
  @Max(0.1)
  delta = 1e-5;

  @Field(() => Float, {
    nullable: true,
    description: 'Budget: the federation ends (COMPLETED, with the reason) before a round that would exceed it.',
  })
  @IsOptional()
  @IsPositive()
  targetEpsilon?: number;

  @Field(() => ClientDpInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ClientDpInput)
  clientLevel?: ClientDpInput;

  @Field(() => SampleDpInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SampleDpInput)
  sampleLevel?: SampleDpInput;
}
