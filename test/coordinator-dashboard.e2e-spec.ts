/**
 * What the coordinator does for the dashboard, over real HTTP: serves its built files under a CSP that keeps the
 * page to this origin (or says how to build them), answers what the dashboard reads beyond the rest of the API (the
 * caller's role, each site's current assignment and failures), and shows a local GraphQL landing page instead of
 * the CDN-loaded Playground. The page itself is tested in a browser by dashboard.e2e-spec.ts.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtDashboardDir, DASHBOARD_CSP, mountDashboard } from '@fedstroke/coordinator/testing';
import {
  ADMIN_TOKEN,
  constant,
  gql,
  gqlOk,
  INFERENCE_TOKEN,
  READONLY_TOKEN,
  startFederation,
  takeTask,
  uploadUpdate,
  startCoordinatorWorld,
} from './coordinator-kit';
import { buildOnce } from './federation-kit';

beforeAll(() => buildOnce());
const world = startCoordinatorWorld();

const VIEWER = '{ viewer { role siteId } }';

describe('viewer', () => {
  it('names the role of every kind of token, and refuses an unknown one in plain words', async () => {
    for (const [token, role] of [
      [ADMIN_TOKEN, 'ADMIN'],
      [READONLY_TOKEN, 'READONLY'],
      [INFERENCE_TOKEN, 'INFERENCE'],
    ]) {
      expect(await gqlOk(world.url, token, VIEWER)).toEqual({ viewer: { role, siteId: null } });
    }
    const wrong = await gql(world.url, 'wrong-token-0123456789abcdef', VIEWER);
    expect(wrong.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(wrong.errors?.[0].message).toMatch(/not a valid coordinator, read-only, inference or site token/);
  });
});

describe("a site's current assignment and failures", () => {
  const SITES = `{ sites { items { name status
    currentAssignment { roundId federationId status }
    failures(limit: 5) { totalCount items { status rejectionReason roundId } } } } }`;
  interface SiteView {
    name: string;
    currentAssignment: { roundId: string; federationId: string; status: string } | null;
    failures: { totalCount: number; items: Array<{ status: string; rejectionReason: string | null; roundId: string }> };
  }
  const view = async () => {
    const data = await gqlOk<{ sites: { items: SiteView[] } }>(world.url, READONLY_TOKEN, SITES);
    return new Map(data.sites.items.map((site) => [site.name, site]));
  };

  it('shows the open assignment while a site trains, then each refusal and reported failure with its reason', async () => {
    const { sites, federationId } = await startFederation(world.url, ['north', 'south'], {
      name: 'reads',
      rounds: 2,
      quorum: 1,
      minUpdatesAtDeadline: 1,
      deadlineSeconds: 60,
    });
    const [north, south] = sites;
    const northTask = await takeTask(world.url, north, federationId);
    const southTask = await takeTask(world.url, south, federationId);
    let seen = await view();
    expect(seen.get('north')!.currentAssignment).toEqual({
      roundId: northTask.roundId,
      federationId,
      status: 'ASSIGNED',
    });
    expect(seen.get('north')!.failures.totalCount).toBe(0);

    await gqlOk(
      world.url,
      south.token,
      'mutation ($roundId: ID!) { reportFailure(roundId: $roundId, reason: "out of memory") { status } }',
      { roundId: southTask.roundId },
    );
    const refused = await uploadUpdate(world.url, north, northTask, constant(0.1), { sha256: '0'.repeat(64) });
    expect(refused.status).toBe(422);

    seen = await view();
    expect(seen.get('south')!.currentAssignment).toBeNull();
    expect(seen.get('south')!.failures).toEqual({
      totalCount: 1,
      items: [{ status: 'FAILED', rejectionReason: 'out of memory', roundId: southTask.roundId }],
    });
    expect(seen.get('north')!.failures.items).toEqual([
      { status: 'REJECTED', rejectionReason: expect.stringMatching(/sha256/), roundId: northTask.roundId },
    ]);
    expect(seen.get('north')!.currentAssignment).toBeNull();
  });
});

describe('the GraphQL landing page', () => {
  it('is served by the coordinator, loads nothing from elsewhere, and links the dashboard', async () => {
    const response = await fetch(`${world.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<a href="/dashboard/">dashboard</a>');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!HOST)/i);
    expect(html).toContain("default-src 'none'");
  });

  it('redirects the root to the dashboard', async () => {
    const response = await fetch(`${world.url}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/dashboard/');
  });
});

describe('the dashboard files', () => {
  it('are served from the build with a CSP that allows this origin only', async () => {
    const page = await fetch(`${world.url}/dashboard/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toBe(readFileSync(join(builtDashboardDir(), 'index.html'), 'utf8'));
    expect(html).not.toMatch(/https?:\/\//);
    expect(page.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toMatch(/default-src 'self'/);
    expect(DASHBOARD_CSP).toMatch(/connect-src 'self'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await fetch(`${world.url}/dashboard/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${world.url}/dashboard`, { redirect: 'manual' })).headers.get('location')).toBe('/dashboard/');
  });

  it('answer 503 with the command to run when the dashboard was not built', async () => {
    @Module({})
    class EmptyModule {}
    const empty = mkdtempSync(join(tmpdir(), 'fedstroke-no-dashboard-'));
    const app = await NestFactory.create<NestExpressApplication>(EmptyModule, { logger: false });
    try {
      expect(mountDashboard(app, empty)).toEqual({ built: false });
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/dashboard/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/was not built.*npm run build/);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
