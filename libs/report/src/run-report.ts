/**
 * What a simulation run reports: the shape of `runs/<id>/summary.json` and the input of the HTML report. Plain data
 * (numbers, strings, arrays) so it serialises as is; the PNG overlays ride along as base64 for the HTML only.
 */
import type { CaseSetSummary } from '@fedstroke/metrics';
import type { PrivacyReference } from './privacy-reference';
import type { StudyQuality } from './quality/study-quality';

export const SUMMARY_FORMAT = 'fedstroke-simulate-summary/1';

export type ApproachKind = 'federated' | 'centralized' | 'local-only';

/** One evaluated case: the ISLES'22 figures (a libs/training EvaluatedCase has them all). */
export interface CaseRow {
  id: string;
  dice: number;
  avdMl: number;
  ald: number;
  lesionF1: number;
  gtVolumeMl: number;
  predVolumeMl: number;
}

export interface EvaluatedSet {
  summary: CaseSetSummary;
  cases: CaseRow[];
}

export type OverlayRole = 'best' | 'median' | 'worst';

export interface OverlayImage {
  role: OverlayRole;
  caseId: string;
  dice: number;
  /** Axial slice index shown. */
  slice: number;
  /** Relative to the run folder. */
  file: string;
  /** The PNG, for embedding in report.html (left out of summary.json). */
  pngBase64?: string;
}

/** A point of a validation curve: Dice of the model after `steps` optimizer steps in total (all sites together). */
export interface CurvePoint {
  steps: number;
  dice: number;
}

/** One trained model (the federation's final global model, the centralized one, or one site's local-only one). */
export interface ApproachResult {
  /** "federated", "centralized", "local-only center-1", ... */
  name: string;
  kind: ApproachKind;
  /** The site a local-only model was trained on. */
  site?: string;
  /** Optimizer steps spent on this model (a federation: every site's local steps of every round). */
  optimizerSteps: number;
  wallTimeSeconds: number;
  /** Validation of each site's split (name → figures) and pooled over every site. */
  validation: { perSite: Array<{ site: string } & EvaluatedSet>; pooled: EvaluatedSet };
  test: EvaluatedSet;
  curve: CurvePoint[];
  overlays: OverlayImage[];
  /**
   * When the approach chose its lesion-detection settings on validation: which, where, and the same model's test
   * figures at the plain defaults (threshold 0.5, no minimum size), taken from the same probabilities. Every other
   * figure of the approach is at the chosen settings.
   */
  detection?: {
    threshold: number;
    minLesionVoxels: number;
    /** e.g. "the sites' validation splits (federated)", "pooled validation". */
    chosenOn: string;
    defaultsTest: CaseSetSummary;
  };
  /** Where this approach's final model is exported (a baseline's; the federated model is the report's `model`). */
  modelDir?: string;
  /** FedBN-style runs: each site's personalised model (global weights, the site's own norms) on its validation split. */
  personalised?: Array<{ site: string } & EvaluatedSet>;
}

/** One site's part in one round, as the coordinator recorded it. */
export interface RoundParticipation {
  site: string;
  status: string;
  numSamples: number | null;
  metrics: Record<string, number>;
  rejectionReason: string | null;
}

export interface RoundRow {
  index: number;
  status: string;
  durationSeconds: number | null;
  /** Sample-weighted client metrics as aggregated by the coordinator (e.g. trainLoss, valDice). */
  metrics: Record<string, number>;
  participants: RoundParticipation[];
  /** Runs with secure aggregation or DP: how the round's updates were protected and ε after it. */
  privacy?: RoundPrivacyRow;
}

export interface RoundPrivacyRow {
  secureAggregation: boolean;
  /** Sites whose masked inputs the unmasked sum holds (secure aggregation). */
  survivors: number | null;
  /** Client-level ε (DP-FedAvg) and sample-level ε (DP-SGD, the worst site) at `delta` after this round. */
  epsilon: number | null;
  sampleEpsilon: number | null;
  delta: number | null;
}

/** What protected the run's updates, as configured, and the guarantee its final model carries. */
export interface PrivacyProfile {
  /** t of n: masks are removed only from the sum of at least t sites; sites clip to clipNorm before masking. */
  secureAggregation: { threshold: number; clipNorm: number } | null;
  /** Client-level (DP-FedAvg) and sample-level (DP-SGD) noise multipliers, at δ, with the optional ε budget. */
  differentialPrivacy: {
    delta: number;
    targetEpsilon: number | null;
    clientNoiseMultiplier: number | null;
    clientClipNorm: number | null;
    sampleNoiseMultiplier: number | null;
  } | null;
  /** ε of the final model (null: no DP at that level), and why the federation ended early, if it did. */
  epsilon: number | null;
  sampleEpsilon: number | null;
  endedBy: string | null;
}

export interface SimulationProfile {
  modelConfig: string;
  parameterCount: number;
  strategy: string;
  /** FedProx's μ, server step size / η and FedAvgM momentum, when the run set them. */
  proximalMu?: number;
  serverLearningRate?: number;
  serverMomentum?: number;
  /** FedBN-style local InstanceNorm parameters, and detection settings chosen on validation, when the run used them. */
  localNorms?: boolean;
  selectDetection?: boolean;
  /** Secure aggregation and differential privacy, when the run turned either on. */
  privacy?: PrivacyProfile;
  rounds: number;
  localSteps: number;
  sites: number;
  batchSize: number;
  patchSize: [number, number, number];
  learningRate: number;
  /** Seed of patch sampling and augmentation (absent in summaries written before it was recorded). */
  seed?: number;
  /** rounds × localSteps × sites: the budget every approach gets. */
  totalOptimizerSteps: number;
}

export interface SimulationReport {
  format: typeof SUMMARY_FORMAT;
  runId: string;
  createdAt: string;
  wallTimeSeconds: number;
  data: {
    dir: string;
    synthetic: boolean;
    sites: Array<{ name: string; folder: string; train: number; val: number }>;
    testCases: number;
    /** Case id → center for every evaluated case whose center is known (the synthetic set's site map). */
    caseCenters?: Record<string, string>;
  };
  profile: SimulationProfile;
  federation: { id: string; name: string; status: string; graphqlUrl: string };
  rounds: RoundRow[];
  /** The final federated model as a model export in the run folder (model.safetensors + manifest.json). */
  model?: {
    path: string;
    manifest: string;
    weights: string;
    /** sha256 of the float32 weights: the coordinator's model version sha256. */
    sha256: string;
    modelVersionId: string;
    roundIndex: number;
  };
  approaches: ApproachResult[];
  /** The study's view of the test set (studyQuality of the approaches); report.html renders the same figures. */
  quality?: StudyQuality;
  /** A DP run's twin without DP (`fedstroke report RUN --without-dp RUN`), drawn beside it on the privacy-utility curve. */
  privacyReference?: PrivacyReference;
}
