/**
 * The run's privacy flags as the coordinator takes them (createFederation's secureAggregation and
 * differentialPrivacy) and as the report states them.
 */
import type { PrivacyProfile } from '@fedstroke/report';
import type { SimulationOptions } from './simulation-options';

/**
 * createFederation's privacy fields from the flags: secure aggregation with t = ⌊n/2⌋ + 1 of the n sites (the
 * smallest safe threshold: two disjoint halves can never both unmask), DP-FedAvg and DP-SGD at δ.
 */
export function privacyInputs(options: SimulationOptions, sites: number): Record<string, unknown> {
  const { privacy } = options;
  const clientLevel =
    privacy.dpNoiseMultiplier === null
      ? null
      : { noiseMultiplier: privacy.dpNoiseMultiplier, clipNorm: privacy.clipNorm };
  const dp =
    clientLevel || privacy.dpSgd
      ? {
          differentialPrivacy: {
            delta: privacy.delta,
            ...(privacy.targetEpsilon !== null && { targetEpsilon: privacy.targetEpsilon }),
            ...(clientLevel && { clientLevel }),
            ...(privacy.dpSgd && { sampleLevel: privacy.dpSgd }),
          },
        }
      : {};
  const secure = privacy.secureAggregation
    ? {
        secureAggregation: {
          threshold: Math.floor(sites / 2) + 1,
          // Under client-level DP its clip norm is the one clip norm.
          ...(!clientLevel && { clipNorm: privacy.clipNorm }),
          stepSeconds: Math.max(30, Math.min(600, Math.round(options.deadlineSeconds / 4))),
        },
      }
    : {};
  return { ...secure, ...dp };
}

/** The report's privacy profile; null when the run turned neither on. */
export function privacyProfile(
  options: SimulationOptions,
  sites: number,
  ended: { epsilon: number | null; sampleEpsilon: number | null; statusReason: string | null },
): { privacy: PrivacyProfile } | null {
  const { privacy } = options;
  const dpOn = privacy.dpNoiseMultiplier !== null || privacy.dpSgd !== null;
  if (!privacy.secureAggregation && !dpOn) return null;
  return {
    privacy: {
      secureAggregation: privacy.secureAggregation
        ? { threshold: Math.floor(sites / 2) + 1, clipNorm: privacy.clipNorm }
        : null,
      differentialPrivacy: dpOn
        ? {
            delta: privacy.delta,
            targetEpsilon: privacy.targetEpsilon,
            clientNoiseMultiplier: privacy.dpNoiseMultiplier,
            clientClipNorm: privacy.dpNoiseMultiplier === null ? null : privacy.clipNorm,
            sampleNoiseMultiplier: privacy.dpSgd?.noiseMultiplier ?? null,
          }
        : null,
      epsilon: ended.epsilon,
      sampleEpsilon: ended.sampleEpsilon,
      endedBy: ended.statusReason?.startsWith('privacy budget') ? ended.statusReason : null,
    },
  };
}
