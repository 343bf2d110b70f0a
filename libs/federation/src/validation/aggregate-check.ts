/**
 * The check every aggregate passes before it may become the next global model, whatever produced it (a mean, a
 * median, a server optimizer's step, momentum): every value finite (the server state it leaves too), and neither its largest |w| nor its norm more than
 * AGGREGATE_GROWTH_LIMIT (10) times the previous global model's. Honest training changes both by a few percent per
 * round; a tenfold jump in one round only comes from a poisoned or overflowing update (3e38 everywhere averages to
 * 1e38) or a diverging server optimizer, and serving that model would be worse than keeping the last one.
 * The previous model's figures are floored at 1 (|w|) and 1 (norm), so that a model starting at or near zero may
 * still move.
 */
import { AggregationError } from '../federation.errors';
import { firstNonFinite, l2Distance, largestAbs } from '../aggregate/norms';

export const AGGREGATE_GROWTH_LIMIT = 10;

export interface AggregateFigures {
  largestAbs: number;
  norm: number;
}

/**
 * Null when `next` may follow `previous`; otherwise why not, in words that name both models' figures. `state` is the
 * server state the step leaves behind (FedAdam's m and v, FedAvgM's velocity): it must be finite too.
 */
export function aggregateRejection(
  previous: Float32Array,
  next: Float32Array,
  state: Record<string, Float32Array> = {},
): string | null {
  const bad = firstNonFinite(next);
  if (bad >= 0) return `the aggregate holds a non-finite value (${next[bad]}) at parameter ${bad}`;
  for (const [name, tensor] of Object.entries(state)) {
    const at = firstNonFinite(tensor);
    if (at >= 0) return `the server optimizer state "${name}" holds a non-finite value (${tensor[at]}) at index ${at}`;
  }
  const before: AggregateFigures = { largestAbs: largestAbs(previous), norm: l2Distance(previous) };
  const after: AggregateFigures = { largestAbs: largestAbs(next), norm: l2Distance(next) };
  const limit = (figure: number) => AGGREGATE_GROWTH_LIMIT * Math.max(figure, 1);
  if (after.largestAbs > limit(before.largestAbs)) {
    return (
      `the aggregate's largest |w| is ${after.largestAbs.toPrecision(4)}, more than ${AGGREGATE_GROWTH_LIMIT} × ` +
      `max(1, ${before.largestAbs.toPrecision(4)}) of the previous global model`
    );
  }
  if (after.norm > limit(before.norm)) {
    return (
      `the aggregate's norm is ${after.norm.toPrecision(4)}, more than ${AGGREGATE_GROWTH_LIMIT} × ` +
      `max(1, ${before.norm.toPrecision(4)}) of the previous global model`
    );
  }
  return null;
}

/** Throws AggregationError AGGREGATE_REJECTED when `aggregateRejection` finds a reason. */
export function assertAggregateAcceptable(
  previous: Float32Array,
  next: Float32Array,
  strategy: string,
  state: Record<string, Float32Array> = {},
): void {
  const reason = aggregateRejection(previous, next, state);
  if (reason !== null) throw new AggregationError('AGGREGATE_REJECTED', `${strategy}: ${reason}`);
}
