import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { ModelProvenance } from '@fedstroke/runtime';

@ObjectType({ description: 'How a model was trained: by which federation, over how many rounds, on what data.' })
export class ModelTraining {
  @Field({
    description: 'federated: a round aggregate; initial: a starting point (round 0); centralized, local-only; unknown.',
  })
  kind!: string;
  @Field({ description: 'True for weights nobody trained (random initial weights).' })
  untrained!: boolean;
  @Field(() => ID, { nullable: true })
  federationId!: string | null;
  @Field(() => String, { nullable: true })
  federationName!: string | null;
  @Field(() => ID, { nullable: true })
  modelVersionId!: string | null;
  @Field(() => Int, { nullable: true, description: 'The round whose aggregate this is (0 = initial).' })
  roundIndex!: number | null;
  @Field(() => Int, { nullable: true, description: 'Rounds the federation was configured for.' })
  rounds!: number | null;
  @Field(() => String, { nullable: true })
  strategy!: string | null;
  @Field({ description: 'synthetic, real or undeclared, as the federation was created with.' })
  trainingData!: string;
  @Field(() => String, { nullable: true, description: 'What the federation started from.' })
  startedFrom!: string | null;
  @Field(() => [Int], {
    nullable: true,
    description:
      'The patch [D, H, W] every site trained this model on: the window segmentStudy uses (null: not recorded, ' +
      "or the sites' patches differed; the default window is used).",
  })
  trainingPatch!: number[] | null;

  static from(provenance: ModelProvenance): ModelTraining {
    return Object.assign(new ModelTraining(), { trainingPatch: null, ...provenance });
  }
}
