import type { Page, PageRequest } from '../../persistence/records';
import type { ServingEventRecord } from './serving-records';

/** The serving audit (serving-records.ts): append-only, read newest first. */
export abstract class ServingRepository {
  abstract record(event: ServingEventRecord): Promise<void>;
  /** The newest PROMOTE or WITHDRAW: what decides the serving model. */
  abstract latestDecision(): Promise<ServingEventRecord | null>;
  /** The newest PROMOTE or WITHDRAW that names this model version. */
  abstract latestDecisionFor(modelVersionId: string): Promise<ServingEventRecord | null>;
  /** Whether the policy has already decided (promoted or declined) on this federation's final model. */
  abstract policyDecided(federationId: string): Promise<boolean>;
  /** Newest first. */
  abstract list(page: PageRequest): Promise<Page<ServingEventRecord>>;
}
