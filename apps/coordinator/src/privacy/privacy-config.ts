/**
 * Turns createFederation's privacy inputs into the stored record, refusing what cannot work: under secure
 * aggregation the coordinator never sees an individual update, so strategies and checks that need one are
 * refused with the reason, and the fixed-point encoding must fit the site count.
 */
import { BadRequestException } from '@nestjs/common';
import { InvalidArgumentError } from '@fedstroke/common';
import {
  assertClientDpOptions,
  assertDpSgdOptions,
  assertSafeThreshold,
  epsilonAfter,
  payloadLayout,
} from '@fedstroke/federation';
import type { FederationConfigRecord } from '../persistence/records';
import type { DifferentialPrivacyInput, SecureAggregationInput } from './dto/privacy.input';
import type {
  ClientDpRecord,
  DifferentialPrivacyRecord,
  PrivacyRecord,
  SecureAggregationRecord,
} from './privacy-records';

export interface PrivacyInputs {
  secureAggregation?: SecureAggregationInput | null;
  differentialPrivacy?: DifferentialPrivacyInput | null;
}

export function resolvePrivacy(input: PrivacyInputs, config: Omit<FederationConfigRecord, 'privacy'>): PrivacyRecord {
  if (config.strategy === 'SCAFFOLD') refuseScaffoldLeak(input);
  const differentialPrivacy = input.differentialPrivacy ? resolveDp(input.differentialPrivacy, config) : null;
  const secureAggregation = input.secureAggregation
    ? resolveSecureAggregation(input.secureAggregation, config, differentialPrivacy?.clientLevel ?? null)
    : null;
  return { secureAggregation, differentialPrivacy };
}

function resolveDp(
  input: DifferentialPrivacyInput,
  config: Omit<FederationConfigRecord, 'privacy'>,
): DifferentialPrivacyRecord {
  if (!input.clientLevel && !input.sampleLevel) {
    throw refuse('differentialPrivacy needs clientLevel (DP-FedAvg) or sampleLevel (DP-SGD), or both');
  }
  let clientLevel: ClientDpRecord | null = null;
  if (input.clientLevel) {
    if (config.strategyParams.clipNorm !== undefined || config.strategyParams.noiseMultiplier !== undefined) {
      throw refuse(
        'strategyParams.clipNorm / noiseMultiplier (clipping and seeded noise at aggregation, not formal DP) cannot be ' +
          'combined with differentialPrivacy.clientLevel, which clips and adds noise itself: drop them',
      );
    }
    const adaptive = input.clientLevel.adaptiveClipping;
    clientLevel = {
      noiseMultiplier: input.clientLevel.noiseMultiplier,
      clipNorm: input.clientLevel.clipNorm,
      adaptive: adaptive
        ? {
            targetQuantile: adaptive.targetQuantile,
            learningRate: adaptive.learningRate,
            countNoiseStd:
              adaptive.countNoiseStd ?? Math.max(config.sitesPerRound / 20, input.clientLevel.noiseMultiplier),
          }
        : null,
    };
    check(() => assertClientDpOptions(clientLevel as ClientDpRecord, 'differentialPrivacy.clientLevel'));
  }
  if (input.sampleLevel) check(() => assertDpSgdOptions(input.sampleLevel as never, 'differentialPrivacy.sampleLevel'));
  if (clientLevel && input.targetEpsilon !== undefined) {
    const first = epsilonAfter(1, {
      noiseMultiplier: clientLevel.noiseMultiplier,
      samplingRate: 1,
      delta: input.delta,
    });
    if (first > input.targetEpsilon) {
      throw refuse(
        `differentialPrivacy.targetEpsilon ${input.targetEpsilon} is below the client-level ε of a single round ` +
          `(${first.toFixed(3)} at noiseMultiplier ${clientLevel.noiseMultiplier}, δ ${input.delta}): raise it or the noise`,
      );
    }
  }
  return {
    delta: input.delta,
    targetEpsilon: input.targetEpsilon ?? null,
    clientLevel,
    sampleLevel: input.sampleLevel
      ? {
          noiseMultiplier: input.sampleLevel.noiseMultiplier,
          clipNorm: input.sampleLevel.clipNorm,
          expectedBatchSize: input.sampleLevel.expectedBatchSize,
        }
      : null,
  };
}

function resolveSecureAggregation(
  input: SecureAggregationInput,
  config: Omit<FederationConfigRecord, 'privacy'>,
  clientDp: ClientDpRecord | null,
): SecureAggregationRecord {
  const why = 'under secure aggregation the coordinator sees only the sum of the updates, never one of them';
  if (config.strategy === 'MEDIAN' || config.strategy === 'TRIMMED_MEAN') {
    throw refuse(
      `strategy ${config.strategy} needs every update's coordinates, and ${why}: use FEDAVG, FEDPROX, FEDADAM or FEDYOGI`,
    );
  }
  if (config.strategyParams.maxUpdateNorm !== undefined) {
    throw refuse(
      `strategyParams.maxUpdateNorm checks each update's norm (and finiteness), and ${why}: sites clip to ` +
        'secureAggregation.clipNorm before masking and the coordinator checks the unmasked sum (finite, within n·C)',
    );
  }
  if (config.strategyParams.clipNorm !== undefined || config.strategyParams.noiseMultiplier !== undefined) {
    throw refuse(
      `strategyParams.clipNorm / noiseMultiplier clip each update at the coordinator, and ${why}: set ` +
        'secureAggregation.clipNorm (sites clip) or differentialPrivacy.clientLevel',
    );
  }
  const clipNorm = clientDp?.clipNorm ?? input.clipNorm;
  if (clipNorm === undefined) {
    throw refuse(
      'secureAggregation.clipNorm is required (the L2 bound sites clip to before masking) unless differentialPrivacy.clientLevel sets one',
    );
  }
  if (clientDp && input.clipNorm !== undefined && input.clipNorm !== clientDp.clipNorm) {
    throw refuse(
      `secureAggregation.clipNorm (${input.clipNorm}) differs from differentialPrivacy.clientLevel.clipNorm (${clientDp.clipNorm}): ` +
        'there is one clip norm, leave secureAggregation.clipNorm out',
    );
  }
  const n = config.sitesPerRound;
  if (input.threshold > n)
    throw refuse(`secureAggregation.threshold (${input.threshold}) must not exceed sitesPerRound (${n})`);
  check(() => assertSafeThreshold(input.threshold, n), 'secureAggregation.threshold');
  if (config.quorum < input.threshold) {
    throw refuse(
      `quorum (${config.quorum}) must be at least secureAggregation.threshold (${input.threshold}): a round needs t survivors`,
    );
  }
  // The encoding must fit n sites at this clip norm and weight cap (and the distributed noise, sized at run time).
  const maxWeight = clientDp ? 1 : input.maxSampleWeight;
  check(
    () =>
      payloadLayout({
        parameterCount: config.model.parameterCount,
        maxSites: n,
        clipNorm,
        maxWeight,
        noiseStd: 0,
        clipIndicator: null,
      }),
    'secureAggregation',
  );
  return {
    threshold: input.threshold,
    clipNorm,
    maxSampleWeight: input.maxSampleWeight,
    stepSeconds: input.stepSeconds,
  };
}

/**
 * SCAFFOLD's Δc_i = (x − y)/Σlr − c is each site's own update in other units, sent beside it in the clear: client-level
 * DP would clip and noise the weights but not Δc_i, secure aggregation would mask the weights but not Δc_i. Sample-level
 * DP-SGD is fine: Δc_i is then computed from DP-trained weights (post-processing).
 */
function refuseScaffoldLeak(input: PrivacyInputs): void {
  const leak = (protection: string) =>
    refuse(
      "strategy SCAFFOLD sends each site's control-variate delta Δc_i (its update divided by the step sizes) in the " +
        `clear beside the update, which ${protection} does not cover: use FEDAVG, FEDPROX, FEDADAM or FEDYOGI, or ` +
        'SCAFFOLD with differentialPrivacy.sampleLevel (DP-SGD) alone',
    );
  if (input.differentialPrivacy?.clientLevel) throw leak('differentialPrivacy.clientLevel (clipping and noise)');
  if (input.secureAggregation) throw leak('secureAggregation (masking)');
}

function check(validate: () => unknown, where?: string): void {
  try {
    validate();
  } catch (error) {
    if (error instanceof InvalidArgumentError || (error as { code?: string }).code === 'BAD_PARAMETERS') {
      throw refuse(where ? `${where}: ${(error as Error).message}` : (error as Error).message);
    }
    throw error;
  }
}

function refuse(message: string): BadRequestException {
  return new BadRequestException(message);
}
