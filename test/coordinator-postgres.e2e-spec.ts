/**
 * The coordinator on PostgreSQL, end to end: a throwaway PostgreSQL server (test/support/ephemeral-postgres.ts), the
 * real coordinator booted with FEDSTROKE_DATABASE_URL pointing at it, a federation driven over real HTTP with
 * GraphQL and binary uploads, an inference upload, and a restart on the same database that keeps every state.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { CoordinatorApp } from '@fedstroke/coordinator';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  constant,
  downloadModel,
  gqlOk,
  INFERENCE_TOKEN,
  makeWorkspace,
  READONLY_TOKEN,
  startFederation,
  takeTask,
  uploadUpdate,
  viewFederation,
  waitForFederation,
  type Workspace,
} from './coordinator-kit';
import { CASE_DWI, uploadFile } from './inference-kit';
import { type EphemeralPostgres, freePort, startEphemeralPostgres } from './support/ephemeral-postgres';

const ROUNDS = 'query ($id: ID!) { rounds(federationId: $id) { totalCount items { index status } } }';

let server: EphemeralPostgres;
let databaseUrl: string;
let workspace: Workspace;
let coordinator: CoordinatorApp;

const boot = () => bootCoordinator(workspace, [], { databaseUrl, databasePoolSize: 4 });

beforeAll(async () => {
  server = await startEphemeralPostgres();
  databaseUrl = await server.createDatabase('coordinator_e2e');
  workspace = makeWorkspace();
  coordinator = await boot();
});

afterAll(async () => {
  await coordinator?.close();
  workspace?.cleanup();
  await server?.stop();
});

async function query<T>(sql: string): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('coordinator on PostgreSQL', () => {
  it('runs federation rounds with its state in PostgreSQL and resumes them after a restart', async () => {
    const ready = await fetch(`${coordinator.url}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'postgres', storage: { ok: true } });

    const { sites, federationId } = await startFederation(coordinator.url, ['pg-site-a', 'pg-site-b', 'pg-site-c'], {
      name: 'postgres-fedavg',
      rounds: 2,
      deadlineSeconds: 60,
    });

    const round1 = await Promise.all(sites.map((site) => takeTask(coordinator.url, site, federationId)));
    for (const [i, site] of sites.entries()) {
      expect((await uploadUpdate(coordinator.url, site, round1[i], constant(i + 1))).status).toBe(202);
    }
    const afterRound1 = await waitForFederation(coordinator.url, federationId, (f) => f.currentRound.index === 2);
    const model1 = afterRound1.federation.latestModelVersion;
    expect(model1).toMatchObject({ roundIndex: 1, sizeBytes: 4000 });

    const round2 = await Promise.all(sites.map((site) => takeTask(coordinator.url, site, federationId)));
    await uploadUpdate(coordinator.url, sites[0], round2[0], constant(10));
    await uploadUpdate(coordinator.url, sites[1], round2[1], constant(20));
    const uploaded = await uploadFile(coordinator.url, INFERENCE_TOKEN, CASE_DWI, 'dwi.nii.gz');
    expect(uploaded.status).toBe(201);

    await coordinator.close();
    coordinator = await boot();

    const resumed = await viewFederation(coordinator.url, federationId);
    expect(resumed.federation.status).toBe('RUNNING');
    expect(resumed.federation.currentRound).toMatchObject({
      index: 2,
      status: 'OPEN',
      counts: { accepted: 2, assigned: 1 },
    });
    expect(resumed.federation.latestModelVersion).toEqual(model1);
    const { weights } = await downloadModel(coordinator.url, sites[0].token, `/models/${model1.id}`);
    expect(weights[0]).toBeCloseTo(2, 6);

    // The third site gets its same assignment back after the restart and finishes the federation.
    const again = await takeTask(coordinator.url, sites[2], federationId);
    expect(again.participationId).toBe(round2[2].participationId);
    expect((await uploadUpdate(coordinator.url, sites[2], again, constant(24))).status).toBe(202);
    const done = await waitForFederation(coordinator.url, federationId, (f) => f.status === 'COMPLETED');
    const final = await downloadModel(coordinator.url, ADMIN_TOKEN, `/models/${done.federation.latestModelVersion.id}`);
    // (10 + 20 + 24) / 3; 24 keeps within the default norm bound, 10 × round 1's median update norm.
    expect(final.weights[0]).toBeCloseTo(18, 5);
    const rounds = await gqlOk<{ rounds: { totalCount: number; items: Array<{ status: string }> } }>(
      coordinator.url,
      READONLY_TOKEN,
      ROUNDS,
      { id: federationId },
    );
    expect(rounds.rounds).toMatchObject({ totalCount: 2, items: [{ status: 'COMPLETED' }, { status: 'COMPLETED' }] });

    // Everything lives in PostgreSQL: no SQLite file was created, the schema was migrated once, and the
    // inference upload and its audit entry are rows there too.
    expect(existsSync(join(workspace.dataDir, 'coordinator.sqlite'))).toBe(false);
    expect(await query('SELECT name FROM kysely_migration ORDER BY name')).toEqual([
      { name: '0001-initial' },
      { name: '0002-inference' },
      { name: '0003-serving' },
      { name: '0004-federation-members' },
      { name: '0005-secure-aggregation' },
      { name: '0006-round-config' },
    ]);
    expect(await query('SELECT id FROM inference_uploads')).toEqual([{ id: uploaded.body.uploadId }]);
    expect(await query(`SELECT action, outcome FROM inference_audit`)).toEqual([
      { action: 'UPLOAD', outcome: expect.any(String) },
    ]);
  });

  it('refuses to boot when the server cannot be reached, naming the URL without its password', async () => {
    const port = await freePort();
    await expect(
      bootCoordinator(workspace, [], { databaseUrl: `postgres://fed:s3cret@127.0.0.1:${port}/fedstroke` }),
    ).rejects.toThrow(
      new RegExp(
        `^FEDSTROKE_DATABASE_URL=postgres://fed:\\*\\*\\*@127\\.0\\.0\\.1:${port}/fedstroke: ` +
          `cannot connect to PostgreSQL \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); expected a running PostgreSQL server`,
      ),
    );
  });
});
