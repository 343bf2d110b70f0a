/** AggregationPort backed by libs/federation: validateUpdate and the strategies built by createStrategy. */
import { Injectable } from '@nestjs/common';
import {
  type ClientUpdate,
  createStrategy,
  inContentOrder,
  type RoundConfig,
  isStatefulStrategy,
  l2Distance,
  median,
  type StrategyState,
  type UpdateEnvelope,
  validateUpdate,
} from '@fedstroke/federation';
import {
  commonTrainingPatch,
  DETECTION_SETTINGS_METRICS,
  isDetectionMetric,
  isTrainingPatchMetric,
  selectDetectionSettings,
  trainingPatchMetrics,
  type DetectionChoice,
} from '@fedstroke/metrics';
import type { FederationRecord } from '../persistence/records';
import {
  type AggregationOutcome,
  AggregationPort,
  type ServerState,
  type UpdateExpectation,
  type UpdateVerdict,
} from './aggregation.port';
import { toStrategyConfig } from './strategy-config';
import { UPDATE_NORM_MAX_METRIC, UPDATE_NORM_MEDIAN_METRIC } from './update-norm-bounds';

/**
 * The round's metrics from what its sites reported, the same for plain and private rounds: the sample-weighted means
 * (`averaged`) without the detection-grid figures, which are inputs to the settings chosen here (some 90 of them),
 * and without the training patches, recorded only when every update agrees (a mean of 32 and 48 would be no patch,
 * and a model served at it would see windows it never trained on).
 */
export function reportedRoundMetrics(
  averaged: Readonly<Record<string, number>>,
  reports: ReadonlyArray<{ metrics: Readonly<Record<string, number>> }>,
): Record<string, number> {
  const client = Object.fromEntries(
    Object.entries(averaged).filter(([name]) => !isDetectionMetric(name) && !isTrainingPatchMetric(name)),
  );
  const patch = commonTrainingPatch(reports.map((r) => r.metrics));
  const detection = selectDetectionSettings(reports.map((r) => r.metrics));
  return {
    ...client,
    ...(detection && detectionMetrics(detection)),
    ...(patch && trainingPatchMetrics(patch)),
  };
}

@Injectable()
export class FederationAggregator extends AggregationPort {
  validate(update: UpdateEnvelope, expectation: UpdateExpectation): UpdateVerdict {
    const result = validateUpdate(update, {
      length: expectation.parameterCount,
      layoutSha256: expectation.layoutSha256,
      roundId: expectation.roundId,
      baseModelId: expectation.baseModelId,
      minSamples: 1,
      ...(expectation.normBound && {
        maxNorm: expectation.normBound.bound,
        maxNormRule: expectation.normBound.rule,
        global: expectation.global,
      }),
    });
    return result.ok
      ? { accepted: true }
      : { accepted: false, code: result.reason.code, reason: `${result.reason.code}: ${result.reason.message}` };
  }

  aggregate(input: {
    federation: FederationRecord;
    round: RoundConfig;
    memberCount?: number;
    global: Float32Array;
    updates: readonly ClientUpdate[];
    serverState: ServerState | null;
  }): AggregationOutcome {
    const strategy = createStrategy(toStrategyConfig(input.federation.config, input.memberCount));
    if (isStatefulStrategy(strategy) && input.serverState) strategy.setState(fromServerState(input.serverState));
    const { round } = input;
    const result = strategy.aggregate(input.global, input.updates, undefined, round.roundIndex);
    const { client, ...counts } = result.metrics;
    const aggregation: Record<string, string | number> = {
      strategy: strategy.name,
      updates: counts.numResults,
      numSamples: counts.numSamples,
      proximalMu: round.proximalMu,
      clippedUpdates: counts.clippedUpdates,
      noiseStd: counts.noiseStd,
    };
    if (round.privacy) Object.assign(aggregation, round.privacy);
    const state = isStatefulStrategy(strategy) ? strategy.getState() : null;
    // Later rounds' default norm bound reads these (UpdateNormBounds).
    const norms = input.updates.map((u) => l2Distance(u.weights, input.global));
    return {
      weights: result.weights,
      metrics: {
        // The strategy combines in content order; the detection figures pooled here are float sums too.
        ...reportedRoundMetrics(client, inContentOrder(input.updates)),
        numResults: counts.numResults,
        numSamples: counts.numSamples,
        [UPDATE_NORM_MEDIAN_METRIC]: median(norms),
        [UPDATE_NORM_MAX_METRIC]: Math.max(...norms),
      },
      aggregation,
      serverState: state ? toServerState(state) : null,
    };
  }
}

/**
 * The chosen detection settings and their pooled validation figures, recorded on the round and on the model version
 * it makes (DETECTION_SETTINGS_METRICS name the two that inference applies).
 */
function detectionMetrics(choice: DetectionChoice): Record<string, number> {
  return {
    [DETECTION_SETTINGS_METRICS.threshold]: choice.threshold,
    [DETECTION_SETTINGS_METRICS.minLesionVoxels]: choice.minLesionVoxels,
    detectionValDice: choice.chosen.dice,
    detectionValLesionF1: choice.chosen.lesionF1,
    detectionValAld: choice.chosen.ald,
    ...(choice.defaults && {
      detectionDefaultValDice: choice.defaults.dice,
      detectionDefaultValLesionF1: choice.defaults.lesionF1,
      detectionDefaultValAld: choice.defaults.ald,
    }),
    detectionValCases: choice.cases,
    detectionSites: choice.sites,
  };
}

export function toServerState(state: StrategyState): ServerState {
  return {
    tensors: Object.entries(state.tensors).map(([name, data]) => ({ name, data })),
    metadata: { step: String(state.step) },
  };
}

export function fromServerState(state: ServerState): StrategyState {
  return {
    tensors: Object.fromEntries(state.tensors.map((t) => [t.name, t.data])),
    step: Number(state.metadata.step ?? 0),
  };
}
