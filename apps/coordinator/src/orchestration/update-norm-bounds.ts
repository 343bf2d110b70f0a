/**
 * The bound an update's ||w − w_global||₂ must respect in a round: the federation's `maxUpdateNorm` when set, or
 * else libs/federation's default (10 × the median update norm of the last completed rounds, recorded on each round as
 * the `updateNormMedian` metric; 10 × the global model's norm before any). One bound per round: the history and the
 * published model do not change while it collects, so it is computed once and cached by round id.
 */
import { Injectable } from '@nestjs/common';
import {
  defaultUpdateNormBound,
  l2Distance,
  UPDATE_NORM_HISTORY_ROUNDS,
  type UpdateNormBound,
} from '@fedstroke/federation';
import type { FederationRecord, RoundRecord } from '../persistence/records';
import { RoundRepository } from '../persistence/repositories';

/** The round metric holding the median accepted update norm, which later rounds' default bounds read. */
export const UPDATE_NORM_MEDIAN_METRIC = 'updateNormMedian';
export const UPDATE_NORM_MAX_METRIC = 'updateNormMax';

const CACHED_ROUNDS = 16;

@Injectable()
export class UpdateNormBounds {
  private readonly cache = new Map<string, UpdateNormBound>();

  constructor(private readonly rounds: RoundRepository) {}

  async forRound(federation: FederationRecord, round: RoundRecord, global: Float32Array): Promise<UpdateNormBound> {
    const explicit = federation.config.strategyParams.maxUpdateNorm;
    if (explicit !== undefined) return { bound: explicit, rule: "the federation's strategyParams.maxUpdateNorm" };
    const cached = this.cache.get(round.id);
    if (cached) return cached;
    const bound = defaultUpdateNormBound({
      globalNorm: l2Distance(global),
      parameterCount: global.length,
      recentRoundMedians: await this.recentMedians(federation.id, round.index),
    });
    if (this.cache.size >= CACHED_ROUNDS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(round.id, bound);
    return bound;
  }

  /** `updateNormMedian` of the completed rounds among the last few before `roundIndex`, oldest first. */
  private async recentMedians(federationId: string, roundIndex: number): Promise<number[]> {
    if (roundIndex <= 1) return [];
    const first = Math.max(1, roundIndex - UPDATE_NORM_HISTORY_ROUNDS);
    const page = await this.rounds.list(federationId, { offset: first - 1, limit: roundIndex - first });
    return page.items
      .filter((r) => r.status === 'COMPLETED' && r.index < roundIndex)
      .map((r) => r.metrics[UPDATE_NORM_MEDIAN_METRIC])
      .filter((n): n is number => typeof n === 'number');
  }
}
