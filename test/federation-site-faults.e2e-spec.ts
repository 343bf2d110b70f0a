/**
 * Site faults against real processes: a site killed mid-round is dropped and the round completes with the quorum;
 * a restarted site resumes its own participation (the coordinator hands it back) and the round completes with it;
 * a waiting site hears at once that its federation was paused (and keeps waiting) or cancelled (and exits).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphqlDocument } from '@fedstroke/protocol';
import type { RoundView } from '@fedstroke/cli/testing';
import {
  eventually,
  federationInput,
  logEvents,
  makeWorld,
  startFederationWorld,
  startSite,
  useFederationWorlds,
  waitForStatus,
  type FederationWorld,
} from './federation-kit';

/** Test-only admin operations, typed by hand (the client's own come from the schema). */
type StatusChange = GraphqlDocument<{ status: string }, { id: string; reason: string }>;
const PAUSE: StatusChange =
  'mutation ($id: ID!, $reason: String) { pauseFederation(id: $id, reason: $reason) { status } }';
const CANCEL: StatusChange =
  'mutation ($id: ID!, $reason: String) { cancelFederation(id: $id, reason: $reason) { status } }';

useFederationWorlds();

/** Resolves once the site's log says it is training the given round. */
function trainingRound(w: FederationWorld, site: string, roundIndex: number): Promise<true> {
  const file = w.sites.get(site)?.options.logFile as string;
  return eventually(
    async () =>
      logEvents(file).some((e) => e.event === 'round.training' && e.roundIndex === roundIndex) ? true : undefined,
    90_000,
  );
}

describe('site faults', () => {
  it('drops a site killed mid-round and completes the round with the quorum of the others', async () => {
    const { world, sites, federationId } = await startFederationWorld('kill-site', {
      rounds: 2,
      quorum: 2,
      minUpdatesAtDeadline: 2,
      localSteps: 30,
    });
    const victim = world.folders[2].name;
    await trainingRound(world, victim, 1);
    await world.sites.get(victim)?.kill();

    await waitForStatus(world, federationId, 'COMPLETED', 150_000);
    const rounds: RoundView[] = await world.admin.rounds(federationId);
    expect(rounds.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
    const victimId = sites.find((s) => s.name === victim)?.id;
    const first = rounds[0].participants;
    expect(first.filter((p) => p.status === 'ACCEPTED')).toHaveLength(2);
    expect(first.find((p) => p.siteId === victimId)?.status).toBe('DROPPED');
    // The federation went on without it: round 2 was done by the two live sites.
    expect(rounds[1].participants.filter((p) => p.status === 'ACCEPTED').map((p) => p.siteId)).not.toContain(victimId);
  }, 200_000);

  it('resumes the same participation after the site agent itself restarts', async () => {
    const { world, federationId } = await startFederationWorld('restart-site', {
      rounds: 1,
      quorum: 3,
      minUpdatesAtDeadline: 3,
      localSteps: 60,
    });
    const folder = world.folders[0];
    const first = world.sites.get(folder.name);
    await trainingRound(world, folder.name, 1);
    // Pull the plug as soon as it has written a resumable checkpoint (every 2 steps) of this round.
    const rounds = join(world.root, 'site-state', folder.name, 'rounds');
    await eventually(
      async () =>
        readdirSync(rounds).some((p) => existsSync(join(rounds, p, 'checkpoint', 'last.safetensors'))) || undefined,
      60_000,
      20,
    );
    await first?.kill();
    const assignedBefore = logEvents(first?.options.logFile as string).find((e) => e.event === 'round.assigned');

    startSite(world, folder, federationId);
    await waitForStatus(world, federationId, 'COMPLETED', 150_000);
    const [round] = await world.admin.rounds(federationId);
    expect(round.participants.map((p) => p.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
    const events = logEvents(world.sites.get(folder.name)?.options.logFile as string);
    const reassigned = events.filter((e) => e.event === 'round.assigned');
    // Same participation handed back; training continued from the checkpoint when one had been written.
    expect(reassigned.map((e) => e.participationId)).toContain(assignedBefore?.participationId);
    const training = events.filter((e) => e.event === 'round.training').pop();
    expect(training?.resumedFrom).toMatch(/last\.safetensors$/);
    expect(events.filter((e) => e.event === 'update.accepted')).toHaveLength(1);
  }, 200_000);

  it('keeps waiting while its federation is paused and exits cleanly once it is cancelled', async () => {
    const world = await makeWorld('site-lifecycle');
    const folder = world.folders[0];
    const registered = await world.admin.registerSite(folder.name);
    world.tokens.set(folder.name, registered.token);
    const holder = await world.admin.registerSite('holder');
    const id = await world.admin.createFederation(
      federationInput('site-lifecycle', [registered.id, holder.id], {
        rounds: 2,
        sitesPerRound: 1,
        quorum: 1,
        minUpdatesAtDeadline: 1,
      }),
    );
    await world.admin.startFederation(id);
    // Another site holds the round's only slot, so the agent has nothing to do but wait.
    const held = await fetch(`${world.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.token}` },
      body: JSON.stringify({ query: 'mutation ($id: ID) { nextTask(federationId: $id) { kind } }', variables: { id } }),
    });
    expect(((await held.json()) as { data: { nextTask: { kind: string } } }).data.nextTask.kind).toBe('TRAIN');

    const agent = startSite(world, folder, id);
    await agent.waitForEvent((e) => e.event === 'site.started', 60_000);
    const paused = agent.waitForEvent(
      (e) => e.event === 'site.federation_status' && e.federationStatus === 'PAUSED',
      15_000,
    );
    await world.admin.request('pauseFederation', PAUSE, { id, reason: 'maintenance' });
    expect(await paused).toMatchObject({ federationId: id, reason: 'maintenance' });

    // waitForEvent rejects if the agent exits first: hearing of the cancellation proves it kept waiting through the pause.
    const finished = agent.waitForEvent((e) => e.event === 'site.federation_finished', 15_000);
    await world.admin.request('cancelFederation', CANCEL, { id, reason: 'wrong cohort' });
    expect(await finished).toMatchObject({ federationId: id, federationStatus: 'CANCELLED', reason: 'wrong cohort' });
    expect(await agent.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
