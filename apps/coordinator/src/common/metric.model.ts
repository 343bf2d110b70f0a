import { Field, Float, ObjectType } from '@nestjs/graphql';

/** One named scalar (loss, dice, ...): a typed list instead of an opaque JSON blob. */
@ObjectType()
export class Metric {
  @Field()
  name!: string;

  @Field(() => Float)
  value!: number;
}

export function toMetricList(metrics: Record<string, number>): Metric[] {
  return Object.keys(metrics)
    .sort()
    .map((name) => ({ name, value: metrics[name] }));
}

export const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
