/** The privacy part of a site's training task, from the federation's settings and the round's secure-aggregation plan. */
import type { FederationRecord, RoundRecord } from '../persistence/records';
import type { TaskPrivacy } from './models/privacy.model';
import { privacyOf } from './round-privacy-plan';
import type { SecureAggregationService } from './secure-aggregation/secure-aggregation.service';

export async function taskPrivacy(
  federation: FederationRecord,
  round: RoundRecord,
  secureAggregation: SecureAggregationService,
): Promise<TaskPrivacy> {
  const privacy = privacyOf(federation.config);
  const dpSgd = privacy.differentialPrivacy?.sampleLevel ?? null;
  if (!privacy.secureAggregation) return { secureAggregation: null, dpSgd };
  const { protocol, payload } = (await secureAggregation.ensure(federation, round)).params;
  return {
    secureAggregation: {
      threshold: protocol.threshold,
      stepSeconds: privacy.secureAggregation.stepSeconds,
      length: protocol.length,
      maxSites: payload.maxSites,
      clipNorm: payload.clipNorm,
      maxWeight: payload.maxWeight,
      noiseStd: payload.noiseStd,
      clipIndicatorNoiseStd: payload.clipIndicator?.noiseStd ?? null,
    },
    dpSgd,
  };
}
