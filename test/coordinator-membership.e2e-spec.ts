/**
 * A federation names its member sites: a registered site that is not a member gets none of its rounds and cannot
 * download its models; the administrator adds and removes members, and each change is in the membership audit.
 * Removing a member or revoking a site drops its seat in the open round, so the round does not wait for the
 * deadline.
 */
import {
  ADMIN_TOKEN,
  constant,
  createFederation,
  downloadModel,
  gql,
  gqlOk,
  NEXT_TASK,
  READONLY_TOKEN,
  registerSites,
  START_FEDERATION,
  startFederation,
  takeTask,
  uploadUpdate,
  viewFederation,
  waitForFederation,
  startCoordinatorWorld,
} from './coordinator-kit';

const world = startCoordinatorWorld();

/** Far beyond how long any of these rounds may take to close once every seat has reported. */
const DEADLINE_SECONDS = 600;

const MEMBERS = `query ($id: ID!) { federation(id: $id) {
  members { site { id name } addedAt } membershipEvents { action siteId reason at } } }`;
const ADD = `mutation ($f: ID!, $s: ID!, $reason: String) {
  addFederationSite(federationId: $f, siteId: $s, reason: $reason) { id } }`;
const REMOVE = `mutation ($f: ID!, $s: ID!, $reason: String) {
  removeFederationSite(federationId: $f, siteId: $s, reason: $reason) { id } }`;
const REVOKE = 'mutation ($id: ID!) { revokeSite(id: $id) { status } }';

interface Membership {
  federation: {
    members: Array<{ site: { id: string; name: string }; addedAt: string }>;
    membershipEvents: Array<{ action: string; siteId: string; reason: string; at: string }>;
  };
}

/** One round over three members that waits for all three (quorum 3) but aggregates two (minUpdatesAtDeadline). */
const startThreeSiteRound = (name: string, siteNames: string[]) =>
  startFederation(world.url, siteNames, {
    name,
    rounds: 1,
    quorum: 3,
    minUpdatesAtDeadline: 2,
    deadlineSeconds: DEADLINE_SECONDS,
  });

const code = (result: { errors?: Array<{ extensions?: { code?: string } }> }) => result.errors?.[0]?.extensions?.code;

describe('federation membership', () => {
  it('gives a registered non-member no task and no model; members are added and removed by the admin', async () => {
    const [alpha, beta, outsider] = await registerSites(world.url, ['alpha', 'beta', 'outsider']);
    const federationId = await createFederation(world.url, {
      name: 'members-only',
      siteIds: [alpha.id, beta.id],
      rounds: 1,
      sitesPerRound: 3,
      quorum: 3,
      minUpdatesAtDeadline: 2,
      deadlineSeconds: DEADLINE_SECONDS,
    });
    await gqlOk(world.url, ADMIN_TOKEN, START_FEDERATION, { id: federationId });
    const modelPath = `/models/${(await viewFederation(world.url, federationId)).federation.latestModelVersion.id}`;

    // The outsider: refused by name, idle without one, and its download refused.
    const named = await gql(world.url, outsider.token, NEXT_TASK, { federationId, wait: 0 });
    expect(code(named)).toBe('FORBIDDEN');
    expect(named.errors?.[0].message).toBe(
      `site outsider is not a member of federation members-only (${federationId}); the administrator adds it with addFederationSite`,
    );
    const anyFederation = await gqlOk<{ nextTask: { kind: string } }>(world.url, outsider.token, NEXT_TASK, {
      wait: 0,
    });
    expect(anyFederation.nextTask.kind).toBe('WAIT');
    const refused = await fetch(`${world.url}${modelPath}`, {
      headers: { authorization: `Bearer ${outsider.token}` },
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('site outsider is not a member of the federation of model version');

    // A member trains and downloads.
    const alphaTask = await takeTask(world.url, alpha, federationId);
    expect((await downloadModel(world.url, alpha.token, alphaTask.modelDownloadPath)).response.status).toBe(200);

    // Only the admin changes membership; a read-only token reads it.
    expect(code(await gql(world.url, READONLY_TOKEN, ADD, { f: federationId, s: outsider.id }))).toBe('FORBIDDEN');
    await gqlOk(world.url, ADMIN_TOKEN, ADD, { f: federationId, s: outsider.id, reason: 'joined the study' });
    const again = await gql(world.url, ADMIN_TOKEN, ADD, { f: federationId, s: outsider.id });
    expect(code(again)).toBe('CONFLICT');
    const outsiderTask = await takeTask(world.url, outsider, federationId);
    expect((await downloadModel(world.url, outsider.token, modelPath)).response.status).toBe(200);

    // Removed again while it trains: its seat is dropped, it gets nothing more and cannot download.
    await gqlOk(world.url, ADMIN_TOKEN, REMOVE, { f: federationId, s: outsider.id, reason: 'consent withdrawn' });
    expect(code(await gql(world.url, ADMIN_TOKEN, REMOVE, { f: federationId, s: outsider.id }))).toBe('NOT_FOUND');
    expect(code(await gql(world.url, outsider.token, NEXT_TASK, { federationId }))).toBe('FORBIDDEN');
    expect((await downloadModel(world.url, outsider.token, modelPath)).response.status).toBe(403);
    expect((await uploadUpdate(world.url, outsider, outsiderTask, constant(9))).status).toBe(409);

    // The two members report and the round closes at once: the dropped seat is not waited for.
    const betaTask = await takeTask(world.url, beta, federationId);
    expect((await uploadUpdate(world.url, alpha, alphaTask, constant(1))).status).toBe(202);
    expect((await uploadUpdate(world.url, beta, betaTask, constant(3))).status).toBe(202);
    const done = await waitForFederation(world.url, federationId, (f) => f.status === 'COMPLETED');
    expect(done.federation.currentRound.counts).toMatchObject({ accepted: 2, dropped: 1 });

    const membership = await gqlOk<Membership>(world.url, READONLY_TOKEN, MEMBERS, { id: federationId });
    expect(membership.federation.members.map((m) => m.site.name).sort()).toEqual(['alpha', 'beta']);
    expect(membership.federation.membershipEvents.map((e) => [e.action, e.siteId, e.reason])).toEqual([
      ['ADD', alpha.id, 'named at creation'],
      ['ADD', beta.id, 'named at creation'],
      ['ADD', outsider.id, 'joined the study'],
      ['REMOVE', outsider.id, 'consent withdrawn'],
    ]);
  });

  it('revoking a site that trains drops its seat, and the round completes without waiting for the deadline', async () => {
    const { sites, federationId } = await startThreeSiteRound('revoke-mid-round', ['east', 'west', 'north']);
    const tasks = [];
    for (const site of sites) tasks.push(await takeTask(world.url, site, federationId));
    expect((await uploadUpdate(world.url, sites[0], tasks[0], constant(1))).status).toBe(202);
    expect((await uploadUpdate(world.url, sites[1], tasks[1], constant(2))).status).toBe(202);
    expect((await viewFederation(world.url, federationId)).federation.currentRound.status).toBe('OPEN');

    await gqlOk(world.url, ADMIN_TOKEN, REVOKE, { id: sites[2].id });
    const done = await waitForFederation(world.url, federationId, (f) => f.status === 'COMPLETED');
    expect(done.federation.currentRound.counts).toMatchObject({ accepted: 2, dropped: 1, assigned: 0 });
    const round = await gqlOk<{
      round: { participants: Array<{ siteId: string; status: string; rejectionReason: string }> };
    }>(
      world.url,
      READONLY_TOKEN,
      'query ($id: ID!) { round(id: $id) { participants { siteId status rejectionReason } } }',
      { id: tasks[2].roundId },
    );
    expect(round.round.participants.find((p) => p.siteId === sites[2].id)).toEqual({
      siteId: sites[2].id,
      status: 'DROPPED',
      rejectionReason: 'site north was revoked while it trained',
    });
  });

  it('a round whose last unseated member is revoked closes once the others have reported', async () => {
    const { sites, federationId } = await startThreeSiteRound('revoke-before-asking', [
      'south-1',
      'south-2',
      'south-3',
    ]);
    for (const [i, site] of sites.slice(0, 2).entries()) {
      const task = await takeTask(world.url, site, federationId);
      expect((await uploadUpdate(world.url, site, task, constant(i + 1))).status).toBe(202);
    }
    await gqlOk(world.url, ADMIN_TOKEN, REVOKE, { id: sites[2].id });
    const done = await waitForFederation(world.url, federationId, (f) => f.status === 'COMPLETED');
    expect(done.federation.currentRound.counts).toMatchObject({ accepted: 2, total: 2 });
  });
});
