import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Metric, toMetricList } from '../../common/metric.model';
import { Paginated } from '../../common/page.model';
import { PARTICIPATION_STATUSES, type ParticipationRecord, type ParticipationStatus } from '../../persistence/records';

export const ParticipationStatusEnum = Object.fromEntries(PARTICIPATION_STATUSES.map((s) => [s, s])) as {
  [K in ParticipationStatus]: K;
};
registerEnumType(ParticipationStatusEnum, {
  name: 'ParticipationStatus',
  description:
    'ASSIGNED: training. ACCEPTED: update stored for aggregation. REJECTED: update refused (see rejectionReason). ' +
    'FAILED: the site reported a failure. DROPPED: the round closed before its update arrived.',
});

@ObjectType()
export class Participation {
  @Field(() => ID)
  id!: string;
  @Field(() => ID)
  roundId!: string;
  @Field(() => ID)
  federationId!: string;
  @Field(() => ID)
  siteId!: string;
  @Field(() => ParticipationStatusEnum)
  status!: ParticipationStatus;
  @Field()
  assignedAt!: Date;
  @Field()
  updatedAt!: Date;
  @Field(() => Int, { nullable: true })
  numSamples!: number | null;
  @Field(() => [Metric])
  metrics!: Metric[];
  @Field(() => String, { nullable: true })
  rejectionReason!: string | null;
  @Field(() => Float, { description: 'Update bytes received from the site (all attempts).' })
  bytesReceived!: number;
  @Field(() => String, { nullable: true })
  updateSha256!: string | null;

  static from(record: ParticipationRecord): Participation {
    return Object.assign(new Participation(), {
      ...record,
      assignedAt: new Date(record.assignedAt),
      updatedAt: new Date(record.updatedAt),
      metrics: toMetricList(record.metrics),
    });
  }
}

@ObjectType()
export class ParticipationPage extends Paginated(Participation) {}
