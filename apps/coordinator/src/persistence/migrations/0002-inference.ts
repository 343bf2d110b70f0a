/**
 * Migration 2: clinical inference — uploads, jobs and the audit trail. Audit rows hold who, when, which model and
 * the input sha256s — never voxels or paths of image data beyond what the caller named.
 */
import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../engines/engine-differences';
import { oneOf } from '../migration';

export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('inference_uploads')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('file', t.text, (c) => c.notNull())
    .addColumn('file_name', t.text)
    .addColumn('sha256', t.text, (c) => c.notNull())
    .addColumn('size_bytes', t.bigInteger, (c) => c.notNull())
    .addColumn('shape_json', t.json, (c) => c.notNull())
    .addColumn('role', t.text, (c) => c.notNull())
    .addColumn('token_fingerprint', t.text, (c) => c.notNull())
    .addColumn('created_at', t.bigInteger, (c) => c.notNull())
    .addColumn('expires_at', t.bigInteger, (c) => c.notNull())
    .addColumn('deleted_at', t.bigInteger)
    .execute();

  await db.schema
    .createTable('inference_jobs')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('status', t.text, (c) =>
      c.notNull().check(oneOf('status', ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED'])),
    )
    .addColumn('role', t.text, (c) => c.notNull())
    .addColumn('token_fingerprint', t.text, (c) => c.notNull())
    .addColumn('model_version_id', t.text, (c) => c.notNull())
    .addColumn('model_sha256', t.text, (c) => c.notNull())
    .addColumn('model_config', t.text, (c) => c.notNull())
    .addColumn('inputs_json', t.json, (c) => c.notNull())
    .addColumn('options_json', t.json, (c) => c.notNull())
    .addColumn('result_json', t.json)
    .addColumn('error_code', t.text)
    .addColumn('error_message', t.text)
    .addColumn('mask_file', t.text)
    .addColumn('prob_file', t.text)
    .addColumn('created_at', t.bigInteger, (c) => c.notNull())
    .addColumn('started_at', t.bigInteger)
    .addColumn('finished_at', t.bigInteger)
    .addColumn('expires_at', t.bigInteger)
    .execute();
  await db.schema
    .createIndex('inference_jobs_expiry')
    .on('inference_jobs')
    .column('expires_at')
    .where(sql.ref('expires_at'), 'is not', null)
    .execute();

  await db.schema
    .createTable('inference_audit')
    .addColumn('id', ...t.serialId)
    .addColumn('at', t.bigInteger, (c) => c.notNull())
    .addColumn('action', t.text, (c) => c.notNull().check(oneOf('action', ['UPLOAD', 'SEGMENT', 'DOWNLOAD'])))
    .addColumn('role', t.text, (c) => c.notNull())
    .addColumn('token_fingerprint', t.text, (c) => c.notNull())
    .addColumn('job_id', t.text)
    .addColumn('model_version_id', t.text)
    .addColumn('model_sha256', t.text)
    .addColumn('input_sha256_json', t.json, (c) => c.notNull())
    .addColumn('outcome', t.text, (c) => c.notNull())
    .addColumn('error_code', t.text)
    .execute();
}
