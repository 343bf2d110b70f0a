/** The coordinator's SiteTask as the agent reads it (apps/coordinator/schema.graphql: SiteTask, TrainingTask). */
export type TaskKind = 'TRAIN' | 'WAIT' | 'FINISHED';

export interface TrainingTask {
  participationId: string;
  federationId: string;
  federationName: string;
  roundId: string;
  roundIndex: number;
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
}

export const SITE_TASK_FIELDS = `kind retryAfterSeconds training {
  participationId federationId federationName roundId roundIndex baseModelVersionId baseModelSha256
  modelDownloadPath updateUploadPath modelConfigName parameterCount parameterLayoutSha256 strategy
  localSteps learningRate proximalMu deadlineAt maxUpdateBytes
}`;
