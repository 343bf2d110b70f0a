/** Every door of the coordinator checks its token: GraphQL over HTTP and WebSocket, and the binary endpoints. */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoordinatorApp } from '@fedstroke/coordinator';
import {
  ADMIN_TOKEN,
  constant,
  createFederation,
  gql,
  gqlOk,
  INFERENCE_TOKEN,
  NEXT_TASK,
  READONLY_TOKEN,
  registerSites,
  type SiteHandle,
  subscriptionClient,
  takeTask,
  type TrainingTask,
  uploadUpdate,
  startCoordinatorWorld,
} from './coordinator-kit';

const world = startCoordinatorWorld();
let sites: SiteHandle[];
let federationId: string;
let task: TrainingTask;

beforeAll(async () => {
  sites = await registerSites(world.url, ['alpha', 'beta', 'gamma']);
  federationId = await createFederation(world.url, {
    // gamma is registered but no member: it has no assignment and may not download the federation's models.
    siteIds: [sites[0].id, sites[1].id],
    name: 'auth',
    rounds: 1,
    sitesPerRound: 2,
    deadlineSeconds: 60,
  });
  await gqlOk(world.url, ADMIN_TOKEN, 'mutation ($id: ID!) { startFederation(id: $id) { status } }', {
    id: federationId,
  });
  task = await takeTask(world.url, sites[0], federationId);
});

const FEDERATIONS = '{ federations { totalCount items { id } } }';
const CREATE = `mutation { createFederation(input: { name: "nope", modelConfigName: "tiny", rounds: 1, sitesPerRound: 1,
  siteIds: ["00000000-0000-4000-8000-000000000000"],
  deadlineSeconds: 5, localSteps: 1, learningRate: 0.1 }) { id } }`;

function code(result: { errors?: Array<{ extensions?: { code?: string } }> }): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

describe('coordinator auth', () => {
  it('shows a site token once and stores only its sha256', async () => {
    const [site] = await registerSites(world.url, ['delta']);
    expect(site.token).toMatch(/^fst_site_[A-Za-z0-9_-]{43}$/);
    const schema = readFileSync(join(__dirname, '../apps/coordinator/schema.graphql'), 'utf8');
    expect(schema).toMatch(/type Site \{[^}]*\}/);
    expect(/type Site \{([^}]*)\}/.exec(schema)?.[1]).not.toMatch(/token/i);

    const db = new Database(join(world.workspace.dataDir, 'coordinator.sqlite'), { readonly: true });
    const row = db.prepare('SELECT token_sha256 FROM sites WHERE id = ?').get(site.id) as { token_sha256: string };
    db.close();
    expect(row.token_sha256).toBe(createHash('sha256').update(site.token).digest('hex'));
    const files = ['coordinator.sqlite', 'coordinator.sqlite-wal'].map((f) => {
      try {
        return readFileSync(join(world.workspace.dataDir, f)).toString('latin1');
      } catch {
        return '';
      }
    });
    expect(files.some((content) => content.includes(site.token))).toBe(false);
  });

  it('refuses queries and mutations without a token or with a wrong one (UNAUTHENTICATED)', async () => {
    expect(code(await gql(world.url, null, FEDERATIONS))).toBe('UNAUTHENTICATED');
    expect(code(await gql(world.url, 'not-a-real-token-at-all', FEDERATIONS))).toBe('UNAUTHENTICATED');
    const noToken = await gql(world.url, null, CREATE);
    expect(code(noToken)).toBe('UNAUTHENTICATED');
    expect(noToken.errors?.[0].message).toMatch(/missing token: send "Authorization: Bearer <token>"/);
    const malformed = await fetch(`${world.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query: FEDERATIONS }),
    });
    expect(((await malformed.json()) as { errors: Array<{ message: string }> }).errors[0].message).toMatch(
      /expected "Bearer <token>"/,
    );
  });

  it('lets each role do only its own work (FORBIDDEN otherwise)', async () => {
    expect(
      (await gqlOk<{ federations: { totalCount: number } }>(world.url, READONLY_TOKEN, FEDERATIONS)).federations
        .totalCount,
    ).toBe(1);
    const readonlyCreates = await gql(world.url, READONLY_TOKEN, CREATE);
    expect(code(readonlyCreates)).toBe('FORBIDDEN');
    expect(readonlyCreates.errors?.[0].message).toMatch(
      /a READONLY token may not call createFederation; it needs one of: ADMIN/,
    );
    expect(code(await gql(world.url, sites[0].token, FEDERATIONS))).toBe('FORBIDDEN');
    expect(code(await gql(world.url, sites[0].token, CREATE))).toBe('FORBIDDEN');
    expect(code(await gql(world.url, INFERENCE_TOKEN, FEDERATIONS))).toBe('FORBIDDEN');
    const versions = await gqlOk<{ modelVersions: { totalCount: number } }>(
      world.url,
      INFERENCE_TOKEN,
      'query ($id: ID!) { modelVersions(federationId: $id) { totalCount } }',
      { id: federationId },
    );
    expect(versions.modelVersions.totalCount).toBe(1);
    expect(code(await gql(world.url, ADMIN_TOKEN, NEXT_TASK, {}))).toBe('FORBIDDEN');
    expect(code(await gql(world.url, READONLY_TOKEN, NEXT_TASK, {}))).toBe('FORBIDDEN');
    const me = await gqlOk<{ currentSite: { name: string } }>(world.url, sites[1].token, '{ currentSite { name } }');
    expect(me.currentSite.name).toBe('beta');
  });

  it('checks tokens on uploads and downloads (401 / 403 / 409)', async () => {
    const body = constant(1);
    const anonymous = await uploadUpdate(world.url, sites[0], task, body, { token: null });
    expect(anonymous.status).toBe(401);
    expect(String(anonymous.body.message)).toMatch(/missing token/);
    expect((await uploadUpdate(world.url, sites[0], task, body, { token: 'wrong-token-wrong-token' })).status).toBe(
      401,
    );
    expect((await uploadUpdate(world.url, sites[0], task, body, { token: READONLY_TOKEN })).status).toBe(403);
    expect((await uploadUpdate(world.url, sites[0], task, body, { token: ADMIN_TOKEN })).status).toBe(403);
    const otherSite = await uploadUpdate(world.url, sites[2], task, body);
    expect(otherSite.status).toBe(409);
    expect(String(otherSite.body.message)).toMatch(
      /site gamma has no assignment in round 1 of auth; call nextTask first/,
    );

    const download = (token: string | null) =>
      fetch(`${world.url}${task.modelDownloadPath}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    expect((await download(null)).status).toBe(401);
    expect((await download(READONLY_TOKEN)).status).toBe(403);
    expect((await download(sites[0].token)).status).toBe(200);
    const outsider = await download(sites[2].token);
    expect(outsider.status).toBe(403);
    expect(((await outsider.json()) as { message: string }).message).toMatch(
      /site gamma is not a member of the federation of model version/,
    );
    // Round 0 is no model inference would run, so an inference token may not take it away either.
    const unserved = await download(INFERENCE_TOKEN);
    expect(unserved.status).toBe(403);
    expect(await unserved.json()).toMatchObject({
      code: 'MODEL_NOT_SERVED',
      message: expect.stringMatching(/never promoted for serving/),
    });
    expect((await download(ADMIN_TOKEN)).status).toBe(200);
  });

  it('refuses a subscription without a valid read token, and roundProgress to an inference token', async () => {
    const attempt = (token: string | null) =>
      new Promise<string>((resolve) => {
        const client = subscriptionClient(world.url, token);
        client.subscribe(
          {
            query: 'subscription ($id: ID!) { roundProgress(federationId: $id) { event } }',
            variables: { id: federationId },
          },
          {
            next: (message) => {
              void client.dispose();
              resolve(message.errors ? 'errors' : 'data');
            },
            error: (error) => {
              void client.dispose();
              resolve(`closed ${(error as { code?: number }).code}`);
            },
            complete: () => resolve('complete'),
          },
        );
      });
    expect(await attempt(null)).toBe('closed 4403');
    expect(await attempt('wrong-token-wrong-token')).toBe('closed 4403');
    expect(await attempt(sites[0].token)).toBe('closed 4403');
    expect(await attempt(READONLY_TOKEN)).toBe('data');
    // An inference token may open a socket (for inferenceJobUpdated) but roundProgress still refuses it.
    expect(await attempt(INFERENCE_TOKEN)).toBe('errors');
  });

  it('refuses a revoked site at once', async () => {
    const [site] = await registerSites(world.url, ['epsilon']);
    await gqlOk(world.url, ADMIN_TOKEN, 'mutation ($id: ID!) { revokeSite(id: $id) { status } }', {
      id: site.id,
    });
    const result = await gql(world.url, site.token, NEXT_TASK, {});
    expect(code(result)).toBe('FORBIDDEN');
    expect(result.errors?.[0].message).toMatch(/site epsilon .* has been revoked/);
  });

  it('serves health without a token, readiness from the database, and metrics to read roles', async () => {
    expect(await (await fetch(`${world.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${world.url}/readyz`)).json()).toEqual({
      status: 'ready',
      database: 'sqlite',
      storage: {
        ok: true,
        problem: null,
        freeBytes: expect.any(Number),
        minFreeBytes: 64 * 1024 * 1024,
        lastFault: null,
      },
    });
    expect((await fetch(`${world.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${world.url}/metrics`, {
      headers: { authorization: `Bearer ${READONLY_TOKEN}` },
    });
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain;.*version=0.0.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^fedstroke_rounds_opened_total 1$/m);
    expect(text).toMatch(/^fedstroke_participations_total\{status="assigned"\} 1$/m);
    expect(text).toMatch(/^fedstroke_model_bytes_sent_total \d+$/m);
    expect(text).toMatch(/^# TYPE fedstroke_aggregation_seconds histogram$/m);
  });

  it('stops at boot with a clear message, password masked, when the PostgreSQL server cannot be reached', async () => {
    await expect(
      createCoordinatorApp({
        adminToken: ADMIN_TOKEN,
        dataDir: join(world.workspace.root, 'pg'),
        databaseUrl: 'postgres://user:secret@db.example:5432/fedstroke',
        port: 0,
        logLevel: 'silent',
      }),
    ).rejects.toThrow(/^FEDSTROKE_DATABASE_URL=postgres:\/\/user:\*\*\*@db\.example:5432\/fedstroke: cannot connect/);
  });
});
