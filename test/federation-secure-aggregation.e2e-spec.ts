/**
 * Secure aggregation over real processes: the coordinator and three `fedstroke site` agents training the tiny U-Net,
 * one agent killed while it trains round 1. The two others mask, upload and unmask without it; the federation goes
 * on, every round's model is the unmasked sum of the live sites' inputs, and the killed site is DROPPED.
 */
import { logPath, type RoundView } from '@fedstroke/cli/testing';
import { eventually, logEvents, startFederationWorld, useFederationWorlds, waitForStatus } from './federation-kit';

useFederationWorlds();

it('a site killed mid-round is left out of the masked sum and the federation completes', async () => {
  const { world, sites, federationId } = await startFederationWorld('secagg-kill', {
    rounds: 2,
    // Keys are exchanged once two sites have advertised theirs: the killed one is not waited for.
    quorum: 2,
    minUpdatesAtDeadline: 2,
    localSteps: 20,
    secureAggregation: { threshold: 2, clipNorm: 1, stepSeconds: 5 },
  });
  const victim = world.folders[2].name;
  const victimLog = world.sites.get(victim)?.options.logFile as string;
  await eventually(
    async () => (logEvents(victimLog).some((e) => e.event === 'round.training') ? true : undefined),
    90_000,
  );
  await world.sites.get(victim)?.kill();

  await waitForStatus(world, federationId, 'COMPLETED', 150_000);
  const rounds: RoundView[] = await world.admin.rounds(federationId);
  expect(rounds.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED']);
  for (const round of rounds) {
    expect(round.privacy).toMatchObject({ secureAggregation: true, survivors: 2 });
    expect(round.participants.filter((p) => p.status === 'ACCEPTED')).toHaveLength(2);
  }
  const victimId = sites.find((s) => s.name === victim)?.id;
  expect(rounds[0].participants.find((p) => p.siteId === victimId)?.status).toBe('DROPPED');
  expect(logEvents(victimLog).some((e) => String(e.event).startsWith('secagg.'))).toBe(false);

  // Each live agent masked its input, answered the unmasking request in both rounds, and never refused one.
  for (const folder of world.folders.slice(0, 2)) {
    const events = logEvents(logPath(world.root, `site-${folder.name}`)).map((e) => e.event);
    expect(events.filter((e) => e === 'secagg.input_encoded')).toHaveLength(2);
    expect(events.filter((e) => e === 'secagg.unmask_answered')).toHaveLength(2);
    expect(events).not.toContain('secagg.unmask_refused');
  }
  const steps = logEvents(logPath(world.root, 'coordinator')).filter((e) => e.event === 'secagg.step');
  expect(steps.filter((e) => e.step === 'UNMASKED')).toHaveLength(2);
  expect(steps.filter((e) => e.step === 'FAILED')).toHaveLength(0);
}, 170_000);
