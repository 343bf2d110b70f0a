import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { FederationStatusEnum } from '../../federations/models/federation.model';
import type { FederationStatus } from '../../persistence/records';
import { ParticipationCountsModel, Round } from './round.model';

export const ROUND_EVENTS = [
  'SNAPSHOT',
  'ROUND_OPENED',
  'SITE_ASSIGNED',
  'UPDATE_ACCEPTED',
  'UPDATE_REJECTED',
  'SITE_FAILED',
  'SECURE_AGGREGATION_STEP',
  'ROUND_CLOSED',
  'ROUND_COMPLETED',
  'ROUND_FAILED',
  'FEDERATION_PAUSED',
  'FEDERATION_RESUMED',
  'FEDERATION_COMPLETED',
  'FEDERATION_FAILED',
  'FEDERATION_CANCELLED',
] as const;
export type RoundEvent = (typeof ROUND_EVENTS)[number];
export const RoundEventEnum = Object.fromEntries(ROUND_EVENTS.map((e) => [e, e])) as { [K in RoundEvent]: K };
registerEnumType(RoundEventEnum, {
  name: 'RoundEvent',
  description:
    'SNAPSHOT is sent first on every subscription: the state at the moment it started. SECURE_AGGREGATION_STEP: a ' +
    'secure round moved to its next step (message says which). FEDERATION_FAILED: its rounds kept failing ' +
    '(maxConsecutiveFailedRounds); message says why.',
});

@ObjectType({ description: 'One step of a federation, pushed to roundProgress subscribers.' })
export class RoundProgress {
  @Field(() => RoundEventEnum)
  event!: RoundEvent;
  @Field(() => ID)
  federationId!: string;
  @Field(() => FederationStatusEnum)
  federationStatus!: FederationStatus;
  @Field(() => Round, { nullable: true, description: 'The round as it stands after the event.' })
  round!: Round | null;
  @Field(() => ParticipationCountsModel, { nullable: true })
  counts!: ParticipationCountsModel | null;
  @Field(() => Int, { nullable: true })
  quorum!: number | null;
  @Field(() => ID, { nullable: true })
  siteId!: string | null;
  @Field(() => String, { nullable: true })
  message!: string | null;
  @Field()
  at!: Date;
}
