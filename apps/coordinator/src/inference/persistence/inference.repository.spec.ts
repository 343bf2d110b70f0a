/**
 * The inference repository contract, run against both backends: SQLite in a temp file and a real PostgreSQL server,
 * each test on a fresh, migrated database.
 */
import type { SegmentationSummary } from '@fedstroke/inference';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EphemeralPostgres, startEphemeralPostgres } from '@fedstroke/test-support';
import { closeDatabase, type DatabaseHandle, openDatabase } from '../../persistence/database-handle';
import type { AuditEntry, InferenceJobRecord, UploadRecord } from './inference-records';
import type { InferenceRepository } from './inference.repository';
import { SqlInferenceRepository } from './sql-inference.repository';

const T = 1_760_000_000_000;
const caller = { role: 'INFERENCE', tokenFingerprint: 'f'.repeat(16) };

const upload = (id: string, expiresAt: number): UploadRecord => ({
  ...caller,
  id,
  file: `inference/uploads/${id}.nii.gz`,
  fileName: 'dwi.nii.gz',
  sha256: 'a'.repeat(64),
  sizeBytes: 3_000_000_000,
  shape: [112, 112, 73],
  createdAt: T,
  expiresAt,
});

const job = (id: string): InferenceJobRecord => ({
  ...caller,
  id,
  status: 'QUEUED',
  modelVersionId: 'v1',
  modelSha256: 'b'.repeat(64),
  modelConfig: 'tiny',
  inputs: {
    dwi: { source: 'upload:u1', sha256: 'a'.repeat(64) },
    adc: { source: 'upload:u2', sha256: 'c'.repeat(64) },
  },
  options: { returnProbability: false, threshold: 0.5, minLesionVoxels: 3, tta: false },
  result: null,
  errorCode: null,
  errorMessage: null,
  maskFile: null,
  probFile: null,
  createdAt: T + 1,
  startedAt: null,
  finishedAt: null,
  expiresAt: null,
});

const summary = {
  lesionVolumeMl: 4.25,
  lesionCount: 1,
  lesions: [],
  qcWarnings: [],
  grid: {
    shape: [112, 112, 73],
    spacing: [2, 2, 2],
    affine: [
      [2, 0, 0, -111],
      [0, 2, 0, -111],
      [0, 0, 2, -72],
      [0, 0, 0, 1],
    ],
  },
} as unknown as SegmentationSummary;

const audit = (at: number, action: AuditEntry['action'], inputSha256s: AuditEntry['inputSha256s']): AuditEntry => ({
  ...caller,
  at,
  action,
  jobId: action === 'UPLOAD' ? null : 'j1',
  modelVersionId: null,
  modelSha256: null,
  inputSha256s,
  outcome: 'ACCEPTED',
  errorCode: null,
});

let server: EphemeralPostgres;
beforeAll(async () => {
  server = await startEphemeralPostgres();
});
afterAll(() => server?.stop());

describe.each(['sqlite', 'postgres'] as const)('%s inference repository', (kind) => {
  let dir: string;
  let handle: DatabaseHandle;
  let repo: InferenceRepository;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedstroke-inference-repo-'));
    handle = await openDatabase(
      kind === 'sqlite'
        ? { kind, file: join(dir, 'c.sqlite') }
        : { kind, url: await server.createDatabase(), poolSize: 2 },
    );
    repo = new SqlInferenceRepository(handle);
  });
  afterEach(async () => {
    await closeDatabase(handle);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps an upload live until it expires or is deleted, and only ever extends its expiry', async () => {
    await repo.createUpload(upload('u1', T + 100));
    await repo.createUpload(upload('u2', T + 50));
    expect(await repo.getUpload('u1', T + 10)).toEqual(upload('u1', T + 100));
    expect(await repo.getUpload('u1', T + 100)).toBeNull();
    await repo.extendUpload('u1', T + 200);
    await repo.extendUpload('u1', T + 150);
    expect((await repo.getUpload('u1', T + 120))?.expiresAt).toBe(T + 200);
    expect((await repo.listExpiredUploads(T + 60)).map((u) => u.id)).toEqual(['u2']);
    await repo.markUploadDeleted('u2', T + 61);
    expect(await repo.listExpiredUploads(T + 60)).toEqual([]);
    expect(await repo.getUpload('u2', T)).toBeNull();
  });

  it('moves a job only from the named statuses and stores its result', async () => {
    await repo.createJob(job('j1'));
    expect(await repo.getJob('j1')).toEqual(job('j1'));
    expect(await repo.updateJob('j1', ['RUNNING'], { status: 'SUCCEEDED' })).toBeNull();
    expect(await repo.updateJob('j1', ['QUEUED'], { status: 'RUNNING', startedAt: T + 2 })).toMatchObject({
      status: 'RUNNING',
      startedAt: T + 2,
    });
    expect((await repo.listUnfinished()).map((j) => j.id)).toEqual(['j1']);
    const done = await repo.updateJob('j1', ['QUEUED', 'RUNNING'], {
      status: 'SUCCEEDED',
      result: summary,
      maskFile: 'inference/results/j1/mask.nii.gz',
      finishedAt: T + 3,
      expiresAt: T + 1000,
    });
    expect(done).toEqual({
      ...job('j1'),
      status: 'SUCCEEDED',
      result: summary,
      maskFile: 'inference/results/j1/mask.nii.gz',
      startedAt: T + 2,
      finishedAt: T + 3,
      expiresAt: T + 1000,
    });
    expect(await repo.updateJob('j1', ['SUCCEEDED'], {})).toMatchObject({ status: 'SUCCEEDED' });
    expect(await repo.listUnfinished()).toEqual([]);
    expect(await repo.listExpiredJobs(T + 999)).toEqual([]);
    expect((await repo.listExpiredJobs(T + 1000)).map((j) => j.id)).toEqual(['j1']);
    await repo.updateJob('j1', ['SUCCEEDED'], { status: 'EXPIRED', maskFile: null });
    expect(await repo.listExpiredJobs(T + 1000)).toEqual([]);
    expect(await repo.getJob('nope')).toBeNull();
  });

  it('lists jobs newest first, in pages, optionally of one status', async () => {
    for (const [id, at] of [
      ['j1', T + 1],
      ['j2', T + 3],
      ['j3', T + 2],
    ] as const) {
      await repo.createJob({ ...job(id), createdAt: at });
    }
    await repo.updateJob('j3', ['QUEUED'], { status: 'RUNNING', startedAt: T + 4 });
    const all = await repo.listJobs({ offset: 0, limit: 10 });
    expect(all.totalCount).toBe(3);
    expect(all.items.map((j) => j.id)).toEqual(['j2', 'j3', 'j1']);
    expect(all.items[1]).toEqual({ ...job('j3'), createdAt: T + 2, status: 'RUNNING', startedAt: T + 4 });
    expect(await repo.listJobs({ offset: 1, limit: 1 })).toMatchObject({ totalCount: 3, items: [{ id: 'j3' }] });
    const queued = await repo.listJobs({ offset: 0, limit: 10 }, 'QUEUED');
    expect(queued).toMatchObject({ totalCount: 2, items: [{ id: 'j2' }, { id: 'j1' }] });
    expect(await repo.listJobs({ offset: 0, limit: 10 }, 'FAILED')).toEqual({ items: [], totalCount: 0 });
  });

  it('lists audit entries newest first, whichever form the input hashes took', async () => {
    await repo.audit(audit(T + 1, 'UPLOAD', ['a'.repeat(64)]));
    await repo.audit(audit(T + 2, 'SEGMENT', { dwi: 'a'.repeat(64), adc: 'c'.repeat(64) }));
    await repo.audit({ ...audit(T + 3, 'DOWNLOAD', []), outcome: 'REFUSED', errorCode: 'FORBIDDEN' });
    expect(await repo.listAudit(2)).toEqual([
      { ...audit(T + 3, 'DOWNLOAD', []), outcome: 'REFUSED', errorCode: 'FORBIDDEN' },
      audit(T + 2, 'SEGMENT', { dwi: 'a'.repeat(64), adc: 'c'.repeat(64) }),
    ]);
    expect((await repo.listAudit(10)).map((e) => e.at)).toEqual([T + 3, T + 2, T + 1]);
  });
});
