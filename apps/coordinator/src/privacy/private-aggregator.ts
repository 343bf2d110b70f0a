/**
 * Aggregation of a privacy-preserving round: the sum (unmasked by secure aggregation, or clipped and noised here
 * for central DP-FedAvg) is checked, turned into the mean delta, and handed to the federation's strategy as a single
 * averaged update, so FedAvg, FedProx, FedAvgM and FedAdam/FedYogi's server steps apply to it unchanged. Under
 * client-level DP the mean divides by sitesPerRound, fixed (McMahan et al. 2018), and adaptive clipping sets the next
 * round's clip norm from the noised count.
 */
import { Injectable } from '@nestjs/common';
import { FedstrokeError } from '@fedstroke/common';
import {
  averageClientMetrics,
  centralPrivateSum,
  type ClientUpdate,
  createStrategy,
  decodePayloadSum,
  isStatefulStrategy,
  meanDeltaModel,
  nextClipNorm,
  payloadLayout,
  type PrivateSum,
  privateSumRefusal,
} from '@fedstroke/federation';
import type { AggregationOutcome, ServerState } from '../orchestration/aggregation.port';
import { fromServerState, reportedRoundMetrics, toServerState } from '../orchestration/federation-aggregator';
import { toStrategyConfig } from '../orchestration/strategy-config';
import type { FederationRecord, ParticipationRecord } from '../persistence/records';
import { ROUND_PRIVACY_KEYS } from './privacy-records';
import type { RoundPrivacyPlan } from './round-privacy-plan';
import type { SecAggRoundRecord } from './secure-aggregation/secagg-records';

export type PrivateSource =
  | { kind: 'secure'; sum: Uint32Array; record: SecAggRoundRecord }
  | { kind: 'central'; updates: readonly ClientUpdate[] };

export class PrivateAggregationError extends FedstrokeError {
  constructor(message: string) {
    super('PRIVATE_SUM_REFUSED', message);
  }
}

@Injectable()
export class PrivateAggregator {
  aggregate(input: {
    federation: FederationRecord;
    roundIndex: number;
    global: Float32Array;
    plan: RoundPrivacyPlan;
    source: PrivateSource;
    /** The accepted participations: their reported sample counts and metrics (sent in the clear). */
    participants: readonly ParticipationRecord[];
    serverState: ServerState | null;
  }): AggregationOutcome {
    const { federation, global, plan } = input;
    const clientDp = plan.privacy.differentialPrivacy?.clientLevel ?? null;
    const clipNorm = plan.clipNorm as number;
    const { sum, maxWeight, noiseStd } = this.privateSum(input, clipNorm);
    const refusal = privateSumRefusal(sum, { clipNorm, maxWeight, noiseStd });
    if (refusal)
      throw new PrivateAggregationError(
        `the ${input.source.kind === 'secure' ? 'unmasked' : 'clipped'} sum is refused: ${refusal}`,
      );
    const denominator = clientDp ? federation.config.sitesPerRound : sum.weightSum;
    const averaged = meanDeltaModel(global, sum.deltaSum, denominator);

    const config = toStrategyConfig(federation.config);
    const strategy = createStrategy({
      ...config,
      privacy: null,
      failurePolicy: { minResults: 1, acceptFailures: true },
    });
    if (isStatefulStrategy(strategy) && input.serverState) strategy.setState(fromServerState(input.serverState));
    const result = strategy.aggregate(
      global,
      [{ siteId: 'private-sum', weights: averaged, numSamples: 1, metrics: {} }],
      undefined,
      input.roundIndex,
    );

    const reported: ClientUpdate[] = input.participants.map((p) => ({
      siteId: p.siteId,
      weights: new Float32Array(0),
      numSamples: p.numSamples ?? 1,
      metrics: p.metrics,
    }));
    const aggregation: Record<string, string | number> = {
      strategy: strategy.name,
      updates: sum.contributors,
      numSamples: reported.reduce((total, r) => total + r.numSamples, 0),
      [ROUND_PRIVACY_KEYS.secureAggregation]: input.source.kind === 'secure' ? 1 : 0,
      [ROUND_PRIVACY_KEYS.clipNorm]: clipNorm,
      denominator,
      noiseStd,
    };
    if (input.source.kind === 'secure') {
      aggregation[ROUND_PRIVACY_KEYS.survivors] = sum.contributors;
      aggregation.quantisationBound = sum.quantisationBound;
    }
    if (clientDp) {
      aggregation[ROUND_PRIVACY_KEYS.noiseMultiplier] = clientDp.noiseMultiplier;
      if (clientDp.adaptive && sum.indicatorSum !== null) {
        const expected = federation.config.sitesPerRound;
        aggregation[ROUND_PRIVACY_KEYS.unclippedFraction] = Math.min(1, Math.max(0, sum.indicatorSum / expected));
        aggregation[ROUND_PRIVACY_KEYS.nextClipNorm] = nextClipNorm(
          clipNorm,
          sum.indicatorSum,
          expected,
          clientDp.adaptive,
        );
      }
    }
    const state = isStatefulStrategy(strategy) ? strategy.getState() : null;
    return {
      weights: result.weights,
      metrics: {
        ...reportedRoundMetrics(averageClientMetrics(reported), reported),
        numResults: sum.contributors,
        numSamples: aggregation.numSamples as number,
      },
      aggregation,
      serverState: state ? toServerState(state) : null,
    };
  }

  /** The sum, the largest weight one site may carry, and the total noise std per coordinate it holds. */
  private privateSum(
    input: Parameters<PrivateAggregator['aggregate']>[0],
    clipNorm: number,
  ): { sum: PrivateSum; maxWeight: number; noiseStd: number } {
    const { plan, source } = input;
    const adaptive = plan.privacy.differentialPrivacy?.clientLevel?.adaptive ?? null;
    if (source.kind === 'central') {
      const sum = centralPrivateSum(input.global, source.updates, clipNorm, {
        sumStd: plan.sumNoiseStd,
        indicatorStd: adaptive ? adaptive.countNoiseStd : null,
      });
      return { sum, maxWeight: 1, noiseStd: plan.sumNoiseStd };
    }
    const { payload } = source.record.params;
    const contributors = source.record.survivors?.length ?? 0;
    const decoded = decodePayloadSum(payloadLayout(payload), source.sum, contributors);
    return {
      sum: {
        deltaSum: decoded.weightedDeltaSum,
        weightSum: decoded.weightSum,
        indicatorSum: decoded.indicatorSum,
        contributors,
        quantisationBound: decoded.quantisationBound,
      },
      maxWeight: payload.maxWeight,
      noiseStd: payload.noiseStd * Math.sqrt(contributors),
    };
  }
}
