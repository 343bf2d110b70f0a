/** AggregationPort backed by libs/federation: validateUpdate and the strategies built by createStrategy. */
import { Injectable } from '@nestjs/common';
import {
  type ClientUpdate,
  createStrategy,
  type ServerOptimizerState,
  type Strategy,
  type UpdateEnvelope,
  validateUpdate,
} from '@fedstroke/federation';
import type { FederationRecord } from '../persistence/records';
import {
  type AggregationOutcome,
  AggregationPort,
  type ServerState,
  type UpdateExpectation,
  type UpdateVerdict,
} from './aggregation.port';
import { toStrategyConfig } from './strategy-config';

interface StatefulStrategy extends Strategy {
  getState(): ServerOptimizerState | null;
  setState(state: ServerOptimizerState | null): void;
}

const isStateful = (strategy: Strategy): strategy is StatefulStrategy =>
  typeof (strategy as Partial<StatefulStrategy>).getState === 'function';

@Injectable()
export class FederationAggregator extends AggregationPort {
  validate(update: UpdateEnvelope, expectation: UpdateExpectation): UpdateVerdict {
    const result = validateUpdate(update, {
      length: expectation.parameterCount,
      layoutSha256: expectation.layoutSha256,
      roundId: expectation.roundId,
      baseModelId: expectation.baseModelId,
      minSamples: 1,
      ...(expectation.maxUpdateNorm !== undefined && {
        maxNorm: expectation.maxUpdateNorm,
        global: expectation.global,
      }),
    });
    return result.ok
      ? { accepted: true }
      : { accepted: false, reason: `${result.reason.code}: ${result.reason.message}` };
  }

  aggregate(input: {
    federation: FederationRecord;
    roundIndex: number;
    global: Float32Array;
    updates: readonly ClientUpdate[];
    serverState: ServerState | null;
  }): AggregationOutcome {
    const strategy = createStrategy(toStrategyConfig(input.federation.config));
    if (isStateful(strategy) && input.serverState) strategy.setState(fromServerState(input.serverState));
    const round = strategy.configureRound(input.roundIndex, input.global);
    const result = strategy.aggregate(input.global, input.updates, undefined, input.roundIndex);
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
    const state = isStateful(strategy) ? strategy.getState() : null;
    return {
      weights: result.weights,
      metrics: { ...client, numResults: counts.numResults, numSamples: counts.numSamples },
      aggregation,
      serverState: state ? toServerState(state) : null,
    };
  }
}

function toServerState(state: ServerOptimizerState): ServerState {
  return {
    tensors: [
      { name: 'm', data: state.m },
      { name: 'v', data: state.v },
    ],
    metadata: { step: String(state.step) },
  };
}

function fromServerState(state: ServerState): ServerOptimizerState {
  const tensor = (name: string) => {
    const found = state.tensors.find((t) => t.name === name);
    if (!found) throw new Error(`stored server state lacks tensor "${name}"`);
    return found.data;
  };
  return { m: tensor('m'), v: tensor('v'), step: Number(state.metadata.step ?? 0) };
}
