import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../../persistence/database-handle';
import { rowOrNull } from '../../persistence/record-rows';
import type { Page, PageRequest } from '../../persistence/records';
import { pageOf } from '../../persistence/sql/page-of';
import type { CoreTables } from '../../persistence/tables';
import type { AuditEntry, InferenceJobRecord, InferenceJobStatus, UploadRecord } from './inference-records';
import { InferenceRepository } from './inference.repository';
import {
  auditRow,
  type InferenceTables,
  jobChanges,
  newJobRow,
  toAuditEntry,
  toJob,
  toUpload,
  uploadRow,
} from './inference-rows';

export class SqlInferenceRepository extends InferenceRepository {
  private readonly db: Kysely<CoreTables & InferenceTables>;

  constructor(handle: DatabaseHandle) {
    super();
    this.db = handle.db.withTables<InferenceTables>();
  }

  async createUpload(upload: UploadRecord): Promise<void> {
    await this.db.insertInto('inference_uploads').values(uploadRow(upload)).execute();
  }

  async getUpload(id: string, now = Date.now()): Promise<UploadRecord | null> {
    const row = await this.db
      .selectFrom('inference_uploads')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return rowOrNull(row, toUpload);
  }

  async extendUpload(id: string, expiresAt: number): Promise<void> {
    await this.db
      .updateTable('inference_uploads')
      .set({ expires_at: expiresAt })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .where('expires_at', '<', expiresAt)
      .execute();
  }

  async createJob(job: InferenceJobRecord): Promise<void> {
    await this.db.insertInto('inference_jobs').values(newJobRow(job)).execute();
  }

  async getJob(id: string): Promise<InferenceJobRecord | null> {
    const row = await this.db.selectFrom('inference_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return rowOrNull(row, toJob);
  }

  async listJobs(request: PageRequest, status?: InferenceJobStatus): Promise<Page<InferenceJobRecord>> {
    return pageOf(
      this.db.selectFrom('inference_jobs').$if(status !== undefined, (q) => q.where('status', '=', status!)),
      request,
      (q) => q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'),
      toJob,
    );
  }

  async updateJob(
    id: string,
    from: readonly InferenceJobStatus[],
    changes: Partial<Omit<InferenceJobRecord, 'id'>>,
  ): Promise<InferenceJobRecord | null> {
    if (from.length === 0) return null;
    // With no new status, `status = status`: even a call that changes nothing is a valid statement, and still
    // answers "is it in `from`?".
    const row = await this.db
      .updateTable('inference_jobs')
      .set((eb) => ({ ...jobChanges(changes), status: changes.status ?? eb.ref('status') }))
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
    return rowOrNull(row, toJob);
  }

  async listUnfinished(): Promise<InferenceJobRecord[]> {
    const rows = await this.db
      .selectFrom('inference_jobs')
      .selectAll()
      .where('status', 'in', ['QUEUED', 'RUNNING'])
      .execute();
    return rows.map(toJob);
  }

  async listExpiredJobs(now: number): Promise<InferenceJobRecord[]> {
    const rows = await this.db
      .selectFrom('inference_jobs')
      .selectAll()
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', now)
      .where('status', '!=', 'EXPIRED')
      .execute();
    return rows.map(toJob);
  }

  async listExpiredUploads(now: number): Promise<UploadRecord[]> {
    const rows = await this.db
      .selectFrom('inference_uploads')
      .selectAll()
      .where('expires_at', '<=', now)
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map(toUpload);
  }

  async markUploadDeleted(id: string, at: number): Promise<void> {
    await this.db.updateTable('inference_uploads').set({ deleted_at: at }).where('id', '=', id).execute();
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.db.insertInto('inference_audit').values(auditRow(entry)).execute();
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('inference_audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toAuditEntry);
  }
}
