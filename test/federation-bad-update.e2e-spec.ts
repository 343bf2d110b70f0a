/**
 * A misbehaving site among honest ones: it uploads NaN weights in round 1, a truncated body in round 2 and finite but
 * huge weights (3e38 everywhere) in round 3, with no maxUpdateNorm set. All three are rejected with their reason
 * recorded on the participation, none reaches the average, and the two honest site agents carry the federation to the
 * end with finite weights of the size they trained.
 */
import { createHash } from 'node:crypto';
import { graphqlRequestBody, UPDATE_HEADERS } from '@fedstroke/protocol';
import { learningRateAt } from '@fedstroke/training';
import { SITE_DEFAULTS, SITE_METRICS, type TrainingTask } from '@fedstroke/site';
import { NextTaskDocument } from '@fedstroke/site/testing';
import {
  eventually,
  federationInput,
  makeWorld,
  startSite,
  useFederationWorlds,
  waitForStatus,
} from './federation-kit';

useFederationWorlds();

async function rogueTask(url: string, token: string, federationId: string): Promise<TrainingTask> {
  return eventually(async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: graphqlRequestBody(NextTaskDocument, { federationId, wait: 2 }),
    });
    const body = (await response.json()) as { data?: { nextTask: { kind: string; training: TrainingTask | null } } };
    return body.data?.nextTask.kind === 'TRAIN' ? (body.data.nextTask.training as TrainingTask) : undefined;
  }, 60_000);
}

async function upload(
  url: string,
  token: string,
  task: TrainingTask,
  bytes: Uint8Array,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${task.updateUploadPath}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      authorization: `Bearer ${token}`,
      [UPDATE_HEADERS.sha256]: createHash('sha256').update(bytes).digest('hex'),
      [UPDATE_HEADERS.baseModelVersion]: task.baseModelVersionId,
      [UPDATE_HEADERS.layoutSha256]: task.parameterLayoutSha256,
      [UPDATE_HEADERS.numSamples]: '1000',
      [UPDATE_HEADERS.metrics]: JSON.stringify({ trainLoss: 0.1 }),
    },
    body: bytes,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a site uploading garbage', () => {
  it('is rejected with a recorded reason while the federation continues with the honest sites', async () => {
    const world = await makeWorld('bad-update');
    const honest = world.folders.slice(0, 2);
    const members: string[] = [];
    for (const folder of honest) {
      const site = await world.admin.registerSite(folder.name);
      world.tokens.set(folder.name, site.token);
      members.push(site.id);
    }
    const rogue = await world.admin.registerSite('rogue');
    const input = federationInput('bad-update', [...members, rogue.id], {
      rounds: 3,
      quorum: 2,
      minUpdatesAtDeadline: 2,
      localSteps: 6,
    });
    const federationId = await world.admin.createFederation(input);
    await world.admin.startFederation(federationId);
    // The rogue takes its slot first, then the honest agents start.
    const task1 = await rogueTask(world.url, rogue.token, federationId);
    expect(task1).toMatchObject({ roundIndex: 1, totalRounds: 3, localSteps: 6 });
    for (const folder of honest) startSite(world, folder, federationId);
    const nan = new Float32Array(task1.parameterCount).fill(0.01);
    nan[123] = NaN;
    const first = await upload(world.url, rogue.token, task1, new Uint8Array(nan.buffer));
    expect(first.status).toBe(422);
    expect(String(first.body.reason)).toMatch(/NaN|finite/i);

    const task2 = await rogueTask(world.url, rogue.token, federationId);
    expect(task2.roundIndex).toBe(2);
    const second = await upload(world.url, rogue.token, task2, new Uint8Array(100));
    expect(second.status).toBe(422);
    expect(String(second.body.reason)).toMatch(/length|100 bytes|values/i);

    // Finite, so no NaN check catches it; the default norm bound (10 × the recent rounds' median update norm) does.
    const task3 = await rogueTask(world.url, rogue.token, federationId);
    expect(task3.roundIndex).toBe(3);
    const huge = await upload(
      world.url,
      rogue.token,
      task3,
      new Uint8Array(new Float32Array(task3.parameterCount).fill(3e38).buffer),
    );
    expect(huge.status).toBe(422);
    expect(String(huge.body.reason)).toMatch(/^NORM_EXCEEDED: .*default: 10 × .*median update norm/);

    await waitForStatus(world, federationId, 'COMPLETED', 150_000);
    const rounds = await world.admin.rounds(federationId);
    for (const round of rounds) {
      expect(round.status).toBe('COMPLETED');
      const rogueEntry = round.participants.find((p) => p.siteId === rogue.id);
      expect(rogueEntry?.status).toBe('REJECTED');
      expect(rogueEntry?.rejectionReason).toBeTruthy();
      const accepted = round.participants.filter((p) => p.status === 'ACCEPTED');
      expect(accepted).toHaveLength(2);
      // The honest agents placed their local steps in one poly schedule over the whole federation (2 rounds × 6
      // steps, the agents' default warm-up) from the task alone: each reports the rate of its round's last step.
      const schedule = {
        kind: 'poly' as const,
        baseLr: input.learningRate,
        totalSteps: input.rounds * input.localSteps,
        warmupSteps: SITE_DEFAULTS.warmupSteps,
      };
      const expected = learningRateAt(schedule, round.index * input.localSteps - 1);
      for (const participant of accepted) {
        const reported = participant.metrics.find((m) => m.name === SITE_METRICS.finalLearningRate)?.value;
        expect(reported).toBeCloseTo(expected, 9);
      }
    }
    const final = await world.admin.federation(federationId);
    const weights = await world.admin.downloadModel(final.latestModelVersion?.id as string);
    expect(weights.every((w) => Number.isFinite(w))).toBe(true);
    // The symptom was a largest |w| of 1e38 after one such update; the tiny U-Net's stays at a few units.
    expect(weights.reduce((m, w) => Math.max(m, Math.abs(w)), 0)).toBeLessThan(100);
  }, 200_000);
});
