import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Secure aggregation settings: the coordinator sees only the sum of the clipped updates.' })
export class SecureAggregationSettings {
  @Field(() => Int, { description: 'Shares needed to unmask; a round with fewer survivors fails, unmasking nothing.' })
  threshold!: number;
  @Field(() => Float, {
    description: 'L2 norm each site clips its delta to before masking (the first round’s, if adaptive).',
  })
  clipNorm!: number;
  @Field(() => Int)
  maxSampleWeight!: number;
  @Field(() => Int)
  stepSeconds!: number;
}

@ObjectType()
export class AdaptiveClippingSettings {
  @Field(() => Float)
  targetQuantile!: number;
  @Field(() => Float)
  learningRate!: number;
  @Field(() => Float)
  countNoiseStd!: number;
}

@ObjectType({ description: 'Client-level DP-FedAvg.' })
export class ClientDpSettings {
  @Field(() => Float)
  noiseMultiplier!: number;
  @Field(() => Float)
  clipNorm!: number;
  @Field(() => AdaptiveClippingSettings, { nullable: true })
  adaptive!: AdaptiveClippingSettings | null;
}

@ObjectType({ description: 'Sample-level DP-SGD at the sites.' })
export class SampleDpSettings {
  @Field(() => Float)
  noiseMultiplier!: number;
  @Field(() => Float)
  clipNorm!: number;
  @Field(() => Int)
  expectedBatchSize!: number;
}

@ObjectType()
export class DifferentialPrivacySettings {
  @Field(() => Float)
  delta!: number;
  @Field(() => Float, { nullable: true })
  targetEpsilon!: number | null;
  @Field(() => ClientDpSettings, { nullable: true })
  clientLevel!: ClientDpSettings | null;
  @Field(() => SampleDpSettings, { nullable: true })
  sampleLevel!: SampleDpSettings | null;
}

@ObjectType({
  description:
    'What protects the updates of a federation and what guarantee its models carry: ε at delta from the Rényi-DP ' +
    'accountant over the rounds completed so far (null: not differentially private at that level).',
})
export class FederationPrivacy {
  @Field(() => SecureAggregationSettings, { nullable: true })
  secureAggregation!: SecureAggregationSettings | null;
  @Field(() => DifferentialPrivacySettings, { nullable: true })
  differentialPrivacy!: DifferentialPrivacySettings | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Client-level ε after the completed rounds (one site more or less).',
  })
  epsilon!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Sample-level ε after the completed rounds (one case more or less at a site), the largest over sites.',
  })
  sampleEpsilon!: number | null;
  @Field(() => Float, { nullable: true })
  delta!: number | null;
  @Field(() => Int, { description: 'Rounds that released a model (the accountant counts these).' })
  roundsAccounted!: number;
}

@ObjectType({ description: 'Privacy of one round: how its updates were protected and ε after it.' })
export class RoundPrivacy {
  @Field({ description: 'The updates were masked: the coordinator saw only their sum.' })
  secureAggregation!: boolean;
  @Field(() => Int, { nullable: true, description: 'Sites whose masked inputs were summed (secure aggregation).' })
  survivors!: number | null;
  @Field(() => Float, { nullable: true, description: 'The L2 clip norm of this round’s deltas.' })
  clipNorm!: number | null;
  @Field(() => Float, { nullable: true, description: 'Client-level noise multiplier z.' })
  noiseMultiplier!: number | null;
  @Field(() => Float, { nullable: true, description: 'Client-level ε after this round.' })
  epsilon!: number | null;
  @Field(() => Float, { nullable: true, description: 'Sample-level ε after this round (largest over sites).' })
  sampleEpsilon!: number | null;
  @Field(() => Float, { nullable: true })
  delta!: number | null;
}

@ObjectType({
  description:
    'Secure aggregation of this round, as the site must apply it: the masking parameters and the fixed-point ' +
    'layout of its input (clip, weight, encode, mask; see the site agent).',
})
export class TaskSecureAggregation {
  @Field(() => Int)
  threshold!: number;
  @Field(() => Int, { description: 'Seconds each step waits for the round’s sites.' })
  stepSeconds!: number;
  @Field(() => Int, { description: 'Words of the masked input (parameterCount + 1, + 1 with adaptive clipping).' })
  length!: number;
  @Field(() => Int, { description: 'Sites the fixed-point encoding is sized for (no overflow up to this many).' })
  maxSites!: number;
  @Field(() => Float, { description: 'Clip the delta to this L2 norm before masking.' })
  clipNorm!: number;
  @Field(() => Float, { description: 'Largest aggregation weight (capped sample count; 1 under client-level DP).' })
  maxWeight!: number;
  @Field(() => Float, { description: 'Std of the Gaussian noise this site adds to each delta coordinate (its share).' })
  noiseStd!: number;
  @Field(() => Float, { nullable: true, description: 'Adaptive clipping: this site’s noise share on its indicator.' })
  clipIndicatorNoiseStd!: number | null;
}

@ObjectType({ description: 'What privacy asks of a site in this round.' })
export class TaskPrivacy {
  @Field(() => TaskSecureAggregation, { nullable: true })
  secureAggregation!: TaskSecureAggregation | null;
  @Field(() => SampleDpSettings, { nullable: true, description: 'Train with DP-SGD (and report dpSgdSamplingRate).' })
  dpSgd!: SampleDpSettings | null;
}
