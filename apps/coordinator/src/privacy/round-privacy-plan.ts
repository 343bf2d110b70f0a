/**
 * What one round applies, fixed when it opens and the same for every site and for the coordinator: the clip norm
 * (adaptive clipping moves it round to round), the noise each party adds, and, under secure aggregation, the
 * masking parameters and the fixed-point layout of the sites' inputs.
 */
import {
  deltaSumNoiseStd,
  distributedNoiseStd,
  type PayloadPlan,
  payloadLayout,
  type SecAggParameters,
} from '@fedstroke/federation';
import type { FederationConfigRecord, RoundRecord } from '../persistence/records';
import { NO_PRIVACY, type PrivacyRecord, ROUND_PRIVACY_KEYS } from './privacy-records';

export interface RoundPrivacyPlan {
  privacy: PrivacyRecord;
  /** C of this round: the sites' clip (secure aggregation) or the coordinator's (central DP); null when neither. */
  clipNorm: number | null;
  /** Noise std on each coordinate of the round's delta sum (client-level DP), 0 without. */
  sumNoiseStd: number;
  /** Secure aggregation's parameters and layout; null without it. */
  secureAggregation: { protocol: SecAggParameters; payload: PayloadPlan } | null;
}

export function privacyOf(config: FederationConfigRecord): PrivacyRecord {
  return config.privacy ?? NO_PRIVACY;
}

/** The plan of `round`, whose clip norm follows from the last completed round before it (`previous`). */
export function roundPrivacyPlan(
  config: FederationConfigRecord,
  round: RoundRecord,
  previous: RoundRecord | null,
): RoundPrivacyPlan {
  const privacy = privacyOf(config);
  const clientDp = privacy.differentialPrivacy?.clientLevel ?? null;
  const secagg = privacy.secureAggregation;
  const carried = previous?.aggregation[ROUND_PRIVACY_KEYS.nextClipNorm];
  const initial = clientDp?.clipNorm ?? secagg?.clipNorm ?? null;
  const clipNorm = clientDp?.adaptive && typeof carried === 'number' ? carried : initial;
  const sumNoiseStd = clientDp && clipNorm !== null ? deltaSumNoiseStd(clientDp, clipNorm) : 0;
  if (!secagg || clipNorm === null) return { privacy, clipNorm, sumNoiseStd, secureAggregation: null };
  const t = secagg.threshold;
  const payload: PayloadPlan = {
    parameterCount: config.model.parameterCount,
    maxSites: config.sitesPerRound,
    clipNorm,
    // Under client-level DP every site counts once (sample counts would be part of the sensitivity).
    maxWeight: clientDp ? 1 : secagg.maxSampleWeight,
    // Any t survivors carry the whole noise between them (dp-fedavg.ts).
    noiseStd: distributedNoiseStd(sumNoiseStd, t),
    clipIndicator: clientDp?.adaptive ? { noiseStd: distributedNoiseStd(clientDp.adaptive.countNoiseStd, t) } : null,
  };
  const protocol: SecAggParameters = {
    roundId: round.id,
    threshold: t,
    degree: null,
    length: payloadLayout(payload).length,
  };
  return { privacy, clipNorm, sumNoiseStd, secureAggregation: { protocol, payload } };
}
