import {
  FEDERATION_STATUSES,
  type FederationStatus,
  ROUND_STATUSES,
  type RoundConfig,
  type RoundStatus,
} from '@fedstroke/federation';
import type { PrivacyRecord } from '../privacy/privacy-records';

/**
 * What the coordinator persists, as plain records. The repositories speak these types; GraphQL models and
 * HTTP responses are mapped from them at the edge. Times are epoch milliseconds (deadlines are recomputed from them).
 */
// Federation and round statuses, and the transitions between them, are libs/federation's (rounds/).
export { FEDERATION_STATUSES, type FederationStatus, ROUND_STATUSES, type RoundStatus };

/** ASSIGNED: the site took the task and is training. DROPPED: the round closed before its update arrived. */
export const PARTICIPATION_STATUSES = ['ASSIGNED', 'ACCEPTED', 'REJECTED', 'FAILED', 'DROPPED'] as const;
export type ParticipationStatus = (typeof PARTICIPATION_STATUSES)[number];

export const SITE_STATUSES = ['ACTIVE', 'REVOKED'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

/** How a federation's membership changed; every change is kept (federation_member_events). */
export const MEMBERSHIP_ACTIONS = ['ADD', 'REMOVE'] as const;
export type MembershipAction = (typeof MEMBERSHIP_ACTIONS)[number];

export const STRATEGY_NAMES = [
  'FEDAVG',
  'FEDPROX',
  'FEDADAM',
  'FEDYOGI',
  'MEDIAN',
  'TRIMMED_MEAN',
  'SCAFFOLD',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export type Metrics = Record<string, number>;

/** What the sites train on, as the federation's creator declared it; results name it. */
export const TRAINING_DATA_KINDS = ['SYNTHETIC', 'REAL', 'UNDECLARED'] as const;
export type TrainingDataKind = (typeof TRAINING_DATA_KINDS)[number];

/** Where a federation's round-0 model came from. */
export const INITIAL_MODEL_SOURCES = ['ARTIFACTS', 'MODEL_VERSION', 'CHECKPOINT'] as const;
export type InitialModelSource = (typeof INITIAL_MODEL_SOURCES)[number];

export interface InitialModelRecord {
  source: InitialModelSource;
  /** The model version or uploaded checkpoint id; null for the artifacts' own checkpoint. */
  id: string | null;
  /** sha256 of the contiguous float32 weights the federation started from. */
  sha256: string;
}

export interface ModelConfigRecord {
  /** Artifact configuration name (a folder under FEDSTROKE_ARTIFACTS_DIR). */
  name: string;
  parameterCount: number;
  parameterLayoutSha256: string;
}

/** Strategy knobs; the ones a strategy does not use stay undefined. */
export interface StrategyParamsRecord {
  proximalMu?: number;
  /** η of FedAdam/FedYogi, or the server step size η_s of FedAvg/FedProx (1 = the plain mean). */
  serverLearningRate?: number;
  /** FedAvgM's server momentum β (FedAvg/FedProx); 0 = none. */
  serverMomentum?: number;
  beta1?: number;
  beta2?: number;
  tau?: number;
  trimRatio?: number;
  clipNorm?: number;
  noiseMultiplier?: number;
  noiseSeed?: number;
  /** Updates whose L2 distance from the global model exceeds this are rejected before aggregation. */
  maxUpdateNorm?: number;
  /** FedBN-style: sites keep their InstanceNorm affine parameters local (they still send them; see DESIGN). */
  localNorms?: boolean;
  /** In the last round sites score the global model on a grid of detection settings; the best is recorded. */
  detectionSelection?: boolean;
}

export interface FederationConfigRecord {
  strategy: StrategyName;
  rounds: number;
  sitesPerRound: number;
  /** Accepted updates that close a round early. */
  quorum: number;
  /** Accepted updates needed to aggregate when the deadline passes; fewer fails the round. */
  minUpdatesAtDeadline: number;
  deadlineSeconds: number;
  localSteps: number;
  learningRate: number;
  model: ModelConfigRecord;
  strategyParams: StrategyParamsRecord;
  /** Absent on federations created before it was recorded: read as UNDECLARED. */
  trainingData?: TrainingDataKind;
  /** Absent on federations created before it was recorded: they started from the artifacts' checkpoint. */
  initialModel?: InitialModelRecord;
  /** Secure aggregation and differential privacy; absent (federations from before) means neither. */
  privacy?: PrivacyRecord;
  /** Failed rounds in a row after which the federation stops as FAILED; absent (federations from before): never. */
  maxConsecutiveFailedRounds?: number;
}

export interface FederationRecord {
  id: string;
  name: string;
  status: FederationStatus;
  config: FederationConfigRecord;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  statusReason: string | null;
}

export interface SiteRecord {
  id: string;
  name: string;
  status: SiteStatus;
  tokenSha256: string;
  createdAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
}

/** A site named as a member of a federation: only members get its tasks and download its models. */
export interface FederationMemberRecord {
  federationId: string;
  site: SiteRecord;
  addedAt: number;
}

/** One entry of a federation's membership audit. */
export interface MembershipEventRecord {
  at: number;
  federationId: string;
  siteId: string;
  action: MembershipAction;
  reason: string;
}

export interface RoundRecord {
  id: string;
  federationId: string;
  /** 1-based; model version 0 is the initial model. */
  index: number;
  status: RoundStatus;
  baseModelVersionId: string;
  resultModelVersionId: string | null;
  startedAt: number;
  deadlineAt: number;
  closedAt: number | null;
  endedAt: number | null;
  metrics: Metrics;
  /** Aggregation parameters actually applied (strategy, clipping, noise, participant count). */
  aggregation: Record<string, string | number>;
  failureReason: string | null;
  /**
   * What the strategy configured for this round when it opened (Strategy.configureRound): sites train with it.
   * Null only on rounds stored before migration 0006 (see roundConfigOf).
   */
  config: RoundConfig | null;
}

export interface ParticipationRecord {
  id: string;
  roundId: string;
  federationId: string;
  siteId: string;
  status: ParticipationStatus;
  assignedAt: number;
  updatedAt: number;
  numSamples: number | null;
  metrics: Metrics;
  rejectionReason: string | null;
  bytesReceived: number;
  updateSha256: string | null;
  /** Path of the accepted update, relative to the data directory. */
  updateFile: string | null;
}

/** A site's new seat in a round: ASSIGNED, nothing received yet (any other fields of `seat` are replaced). */
export function newAssignment(
  seat: Pick<ParticipationRecord, 'id' | 'roundId' | 'federationId' | 'siteId' | 'assignedAt' | 'updatedAt'>,
): ParticipationRecord {
  return {
    ...seat,
    status: 'ASSIGNED',
    numSamples: null,
    metrics: {},
    rejectionReason: null,
    bytesReceived: 0,
    updateSha256: null,
    updateFile: null,
  };
}

export interface ModelVersionRecord {
  id: string;
  federationId: string;
  roundIndex: number;
  sha256: string;
  sizeBytes: number;
  /** Relative to the data directory. */
  file: string;
  metrics: Metrics;
  createdAt: number;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

export interface PageRequest {
  offset: number;
  limit: number;
}
