/**
 * A federation's privacy settings, stored inside its config (config_json): secure aggregation (the coordinator
 * sees only the sum of the sites' updates) and differential privacy (client-level DP-FedAvg, sample-level DP-SGD,
 * an (ε, δ) budget). Both are opt-in; a federation created before they existed has neither.
 */
export interface SecureAggregationRecord {
  /** t: shares needed to unmask; also the fewest sites a round can be unmasked with (t > sitesPerRound / 2). */
  threshold: number;
  /** C: every site clips its delta to this L2 norm before masking (client-level DP's clip norm when that is on). */
  clipNorm: number;
  /** A site's aggregation weight is its sample count capped at this (uniform weights under client-level DP). */
  maxSampleWeight: number;
  /** How long each key-exchange and unmasking step waits for the round's sites. */
  stepSeconds: number;
}

export interface AdaptiveClippingRecord {
  targetQuantile: number;
  learningRate: number;
  countNoiseStd: number;
}

export interface ClientDpRecord {
  /** z: the noise multiplier the accountant uses (the delta gets z_Δ ≥ z with adaptive clipping). */
  noiseMultiplier: number;
  /** C of the first round; adaptive clipping moves it from round to round. */
  clipNorm: number;
  adaptive: AdaptiveClippingRecord | null;
}

export interface SampleDpRecord {
  noiseMultiplier: number;
  clipNorm: number;
  expectedBatchSize: number;
}

export interface DifferentialPrivacyRecord {
  delta: number;
  /** The federation ends before a round that would take ε past this (client-level and sample-level alike). */
  targetEpsilon: number | null;
  clientLevel: ClientDpRecord | null;
  sampleLevel: SampleDpRecord | null;
}

export interface PrivacyRecord {
  secureAggregation: SecureAggregationRecord | null;
  differentialPrivacy: DifferentialPrivacyRecord | null;
}

export const NO_PRIVACY: PrivacyRecord = { secureAggregation: null, differentialPrivacy: null };

/** What a round records about the privacy it had (stored in the round's aggregation, read by Round.privacy). */
export const ROUND_PRIVACY_KEYS = {
  secureAggregation: 'secureAggregation',
  clipNorm: 'clipNorm',
  nextClipNorm: 'nextClipNorm',
  noiseMultiplier: 'noiseMultiplier',
  epsilon: 'epsilon',
  sampleEpsilon: 'sampleEpsilon',
  delta: 'delta',
  survivors: 'secureAggregationSurvivors',
  unclippedFraction: 'unclippedFraction',
} as const;
