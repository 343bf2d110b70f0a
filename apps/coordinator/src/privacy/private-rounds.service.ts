/**
 * What round orchestration asks of privacy, in one place: how a round gathers (secure aggregation's steps, or plain
 * updates), how its accepted bodies are read, the private aggregation of a round (unmasked sum or central
 * DP-FedAvg), the ε a completed round is recorded with, and whether the budget lets the next round run. The
 * orchestrator asks the same for every round; a federation without privacy settings gets the plain answers.
 */
import { Injectable } from '@nestjs/common';
import { FedstrokeError } from '@fedstroke/common';
import type { ClientUpdate } from '@fedstroke/federation';
import type { AggregationOutcome, ServerState } from '../orchestration/aggregation.port';
import type { FederationRecord, ParticipationRecord, RoundRecord } from '../persistence/records';
import { RoundRepository } from '../persistence/repositories';
import { PrivacyAccountant } from './privacy-accountant.service';
import { ROUND_PRIVACY_KEYS } from './privacy-records';
import { PrivateAggregator } from './private-aggregator';
import { lastCompletedBefore, roundsOf } from './round-history';
import { privacyOf, roundPrivacyPlan } from './round-privacy-plan';
import { type SecAggProgress, SecureAggregationService } from './secure-aggregation/secure-aggregation.service';

@Injectable()
export class PrivateRounds {
  constructor(
    private readonly rounds: RoundRepository,
    private readonly secureAggregation: SecureAggregationService,
    private readonly aggregator: PrivateAggregator,
    private readonly accountant: PrivacyAccountant,
  ) {}

  private isSecure(federation: FederationRecord): boolean {
    return privacyOf(federation.config).secureAggregation !== null;
  }

  /** Whether aggregation goes through `aggregate` here (secure aggregation or client-level DP). */
  isPrivate(federation: FederationRecord): boolean {
    const privacy = privacyOf(federation.config);
    return privacy.secureAggregation !== null || privacy.differentialPrivacy?.clientLevel != null;
  }

  /** Secure aggregation's progress through its steps for an OPEN round; null when the round gathers plain updates. */
  async gather(federation: FederationRecord, round: RoundRecord): Promise<SecAggProgress | null> {
    return this.isSecure(federation) ? this.secureAggregation.advance(federation, round) : null;
  }

  /**
   * The accepted updates as aggregation takes them: `read` (the bodies as weights) for a plain round; a secure
   * round's bodies are masked inputs, read by secure aggregation's unmasking, so each stands in the count of usable
   * updates with no weights.
   */
  async acceptedUpdates<Excluded>(
    federation: FederationRecord,
    accepted: readonly ParticipationRecord[],
    read: () => Promise<{ updates: ClientUpdate[]; excluded: Excluded[] }>,
  ): Promise<{ updates: ClientUpdate[]; excluded: Excluded[] }> {
    if (!this.isSecure(federation)) return read();
    return { updates: accepted.map(maskedPlaceholder), excluded: [] };
  }

  /**
   * The round's new model from the unmasked sum, or from the updates (`readUpdates`, central DP). Throws a
   * FedstrokeError when the sum is refused or secure aggregation failed: the round then fails with that reason.
   */
  async aggregate(input: {
    federation: FederationRecord;
    round: RoundRecord;
    global: Float32Array;
    accepted: readonly ParticipationRecord[];
    serverState: ServerState | null;
    readUpdates: () => Promise<readonly ClientUpdate[]>;
  }): Promise<AggregationOutcome> {
    const { federation, round } = input;
    const plan = roundPrivacyPlan(
      federation.config,
      round,
      lastCompletedBefore(await roundsOf(this.rounds, federation.id), round.index),
    );
    const common = {
      federation,
      roundIndex: round.index,
      global: input.global,
      plan,
      participants: input.accepted,
      serverState: input.serverState,
    };
    if (!this.isSecure(federation))
      return this.aggregator.aggregate({ ...common, source: { kind: 'central', updates: await input.readUpdates() } });
    const progress = await this.secureAggregation.advance(federation, round);
    if (progress.kind !== 'unmasked') {
      throw new SecureRoundFailed(
        progress.kind === 'failed' ? progress.reason : 'secure aggregation has not unmasked the sum',
      );
    }
    return this.aggregator.aggregate({
      ...common,
      source: { kind: 'secure', sum: progress.sum, record: progress.record },
    });
  }

  /** ε after `round` (counted as completed), for the round's record; {} without differential privacy. */
  async accountFields(federation: FederationRecord, round: RoundRecord): Promise<Record<string, number>> {
    if (!privacyOf(federation.config).differentialPrivacy) return {};
    const account = await this.accountant.account(federation, round);
    return {
      ...(account.epsilon !== null && { [ROUND_PRIVACY_KEYS.epsilon]: account.epsilon }),
      ...(account.sampleEpsilon !== null && { [ROUND_PRIVACY_KEYS.sampleEpsilon]: account.sampleEpsilon }),
      ...(account.delta !== null && { [ROUND_PRIVACY_KEYS.delta]: account.delta }),
    };
  }

  /** Why the federation must end instead of running another round (its ε budget), or null; `completing` counts as done. */
  budgetStop(federation: FederationRecord, completing: RoundRecord | null): Promise<string | null> {
    return this.accountant.budgetStop(federation, completing);
  }
}

/** A masked input stands in the count of usable updates; its values are never read as weights. */
function maskedPlaceholder(participation: ParticipationRecord): ClientUpdate {
  return {
    siteId: participation.siteId,
    weights: new Float32Array(0),
    numSamples: participation.numSamples ?? 1,
    metrics: participation.metrics,
  };
}

export class SecureRoundFailed extends FedstrokeError {
  constructor(message: string) {
    super('SECURE_AGGREGATION_FAILED', message);
  }
}
