/** The coordinator's SiteTask as the agent reads it (apps/coordinator/schema.graphql: SiteTask, TrainingTask). */
export type TaskKind = 'TRAIN' | 'WAIT' | 'FINISHED';

/** The coordinator's FederationStatus. */
export type FederationStatus = 'CREATED' | 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface TrainingTask {
  participationId: string;
  federationId: string;
  federationName: string;
  roundId: string;
  /** 1-based; with totalRounds and localSteps it places this round in the federation-wide LR schedule. */
  roundIndex: number;
  totalRounds: number;
  baseModelVersionId: string;
  baseModelSha256: string;
  modelDownloadPath: string;
  updateUploadPath: string;
  modelConfigName: string;
  parameterCount: number;
  parameterLayoutSha256: string;
  strategy: string;
  localSteps: number;
  learningRate: number;
  proximalMu: number;
  deadlineAt: string;
  maxUpdateBytes: number;
}

export interface SiteTask {
  kind: TaskKind;
  retryAfterSeconds: number;
  training: TrainingTask | null;
  /** The federation the answer is about (null for a WAIT that named none); FINISHED says how it ended. */
  federationStatus: FederationStatus | null;
  /** The federation's status reason (why it was paused or cancelled), when one was given. */
  reason: string | null;
}

export const SITE_TASK_FIELDS = `kind retryAfterSeconds federationStatus reason training {
  participationId federationId federationName roundId roundIndex totalRounds baseModelVersionId baseModelSha256
  modelDownloadPath updateUploadPath modelConfigName parameterCount parameterLayoutSha256 strategy
  localSteps learningRate proximalMu deadlineAt maxUpdateBytes
}`;
