/**
 * Storage of uploads, jobs and audit entries. An abstract class (the Nest token, as in the core repository layer)
 * implemented once for both engines beside it (sql-inference.repository.ts); every method is one statement. The
 * tables come from the core migrations (0002-inference).
 */
import type { Page, PageRequest } from '../../persistence/records';
import type { AuditEntry, InferenceJobRecord, InferenceJobStatus, UploadRecord } from './inference-records';

export abstract class InferenceRepository {
  abstract createUpload(upload: UploadRecord): Promise<void>;
  /** A live upload: not deleted and not past its expiry at `now`. */
  abstract getUpload(id: string, now?: number): Promise<UploadRecord | null>;
  /** Keeps an upload at least until `expiresAt` (a job that uses it is queued). */
  abstract extendUpload(id: string, expiresAt: number): Promise<void>;
  abstract createJob(job: InferenceJobRecord): Promise<void>;
  abstract getJob(id: string): Promise<InferenceJobRecord | null>;
  /** Jobs newest first (by creation), optionally only those in `status`. */
  abstract listJobs(page: PageRequest, status?: InferenceJobStatus): Promise<Page<InferenceJobRecord>>;
  /** Applies `changes` only while the job is in one of `from`; returns the updated job or null. */
  abstract updateJob(
    id: string,
    from: readonly InferenceJobStatus[],
    changes: Partial<Omit<InferenceJobRecord, 'id'>>,
  ): Promise<InferenceJobRecord | null>;
  /** Jobs left QUEUED or RUNNING by a previous process. */
  abstract listUnfinished(): Promise<InferenceJobRecord[]>;
  abstract listExpiredJobs(now: number): Promise<InferenceJobRecord[]>;
  abstract listExpiredUploads(now: number): Promise<UploadRecord[]>;
  abstract markUploadDeleted(id: string, at: number): Promise<void>;
  abstract audit(entry: AuditEntry): Promise<void>;
  /** The newest `limit` entries, newest first. */
  abstract listAudit(limit: number): Promise<AuditEntry[]>;
}
