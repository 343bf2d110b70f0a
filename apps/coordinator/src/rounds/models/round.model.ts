import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { date, Metric, toMetricList } from '../../common/metric.model';
import { Paginated } from '../../common/page.model';
import { ROUND_STATUSES, type RoundRecord, type RoundStatus } from '../../persistence/records';

export const RoundStatusEnum = Object.fromEntries(ROUND_STATUSES.map((s) => [s, s])) as { [K in RoundStatus]: K };
registerEnumType(RoundStatusEnum, {
  name: 'RoundStatus',
  description: 'OPEN collects updates; AGGREGATING accepts no more; COMPLETED, FAILED and CANCELLED are final.',
});

@ObjectType({ description: 'An aggregation setting applied to a round (strategy, clipping, noise, counts).' })
export class AggregationParam {
  @Field()
  name!: string;
  @Field()
  value!: string;
}

@ObjectType('ParticipationCounts', { description: 'Participations of a round by status.' })
export class ParticipationCountsModel {
  @Field(() => Int)
  assigned!: number;
  @Field(() => Int)
  accepted!: number;
  @Field(() => Int)
  rejected!: number;
  @Field(() => Int)
  failed!: number;
  @Field(() => Int)
  dropped!: number;
  @Field(() => Int)
  total!: number;
}

@ObjectType()
export class Round {
  @Field(() => ID)
  id!: string;
  @Field(() => ID)
  federationId!: string;
  @Field(() => Int, { description: '1-based; model version 0 is the initial model.' })
  index!: number;
  @Field(() => RoundStatusEnum)
  status!: RoundStatus;
  @Field(() => ID)
  baseModelVersionId!: string;
  @Field(() => ID, { nullable: true })
  resultModelVersionId!: string | null;
  @Field()
  startedAt!: Date;
  @Field()
  deadlineAt!: Date;
  @Field(() => Date, { nullable: true })
  closedAt!: Date | null;
  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;
  @Field(() => [Metric], { description: 'Aggregated metrics: client metrics weighted by samples, plus counts.' })
  metrics!: Metric[];
  @Field(() => [AggregationParam])
  aggregation!: AggregationParam[];
  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  static from(record: RoundRecord): Round {
    return Object.assign(new Round(), {
      ...record,
      startedAt: new Date(record.startedAt),
      deadlineAt: new Date(record.deadlineAt),
      closedAt: date(record.closedAt),
      endedAt: date(record.endedAt),
      metrics: toMetricList(record.metrics),
      aggregation: Object.keys(record.aggregation)
        .sort()
        .map((name) => ({ name, value: String(record.aggregation[name]) })),
    });
  }
}

@ObjectType()
export class RoundPage extends Paginated(Round) {}
