/**
 * UpdatesService on in-memory repositories, real weight files and the real orchestrator
 * (../orchestration/testing): an upload body streams through the store as a request does, is validated, and is
 * accepted or rejected with its code and reason recorded; the orchestrator then moves the round on.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { UPDATE_HEADERS } from '@fedstroke/protocol';
import type { CoordinatorConfig } from '../config/coordinator-config';
import { CoordinatorConfigService } from '../config/coordinator-config.service';
import { FederationAggregator } from '../orchestration/federation-aggregator';
import { orchestratorWorld, type OrchestratorWorld, PARAMETERS } from '../orchestration/testing/orchestrator-world';
import { UpdateNormBounds } from '../orchestration/update-norm-bounds';
import type { ParticipationRecord, RoundRecord } from '../persistence/records';
import { UploadGate } from '../storage/upload-gate';
import { UpdatesService } from './updates.service';

let world: OrchestratorWorld;
let updates: UpdatesService;
beforeEach(async () => {
  world = await orchestratorWorld();
  const { repos } = world;
  updates = new UpdatesService(
    repos.federations,
    repos.rounds,
    repos.participations,
    repos.modelVersions,
    world.store,
    new UploadGate({ perCaller: 2, total: 4 }),
    new FederationAggregator(),
    new UpdateNormBounds(repos.rounds),
    world.orchestrator,
    world.progress,
    world.metrics,
    new CoordinatorConfigService({ uploadSlackBytes: 64 } as CoordinatorConfig),
    world.log,
    world.secureAggregation,
  );
});
afterEach(() => world.dispose());

const site = (siteId: string) => ({ role: 'SITE' as const, siteId, siteName: siteId });

/** An upload request as Node hands it to the controller: headers and a streamed body. */
function upload(round: RoundRecord, weights: number[], numSamples = 2): IncomingMessage {
  const body = Buffer.from(new Float32Array(weights).buffer);
  const request = Readable.from([body]) as unknown as IncomingMessage;
  request.headers = {
    'content-type': 'application/octet-stream',
    'content-length': String(body.length),
    [UPDATE_HEADERS.sha256]: createHash('sha256').update(body).digest('hex'),
    [UPDATE_HEADERS.baseModelVersion]: round.baseModelVersionId,
    [UPDATE_HEADERS.layoutSha256]: 'a'.repeat(64),
    [UPDATE_HEADERS.numSamples]: String(numSamples),
  };
  return request;
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: { getResponse(): unknown }) => error.getResponse(),
  );

async function openRound(quorum: number): Promise<{ id: string; round: RoundRecord; seats: ParticipationRecord[] }> {
  // The initial model is all zeros, so the default norm bound (10 × its norm, floored) would refuse any real update.
  const id = await world.createFederation({ quorum, sitesPerRound: 3, strategyParams: { maxUpdateNorm: 100 } });
  await world.orchestrator.kick(id);
  const round = (await world.repos.rounds.latest(id)) as RoundRecord;
  const seats = [await world.seat(round, 's1'), await world.seat(round, 's2'), await world.seat(round, 's3')];
  return { id, round, seats };
}

describe('UpdatesService', () => {
  it('accepts a valid update into its own file, and the quorum it completes closes and aggregates the round', async () => {
    const { id, round, seats } = await openRound(2);
    const first = await updates.receive(round.id, site('s1'), upload(round, [1, 1, 1, 1], 1));
    expect(first).toMatchObject({ participationId: seats[0].id, status: 'ACCEPTED', bytes: PARAMETERS * 4 });
    const stored = (await world.repos.participations.get(seats[0].id)) as ParticipationRecord;
    expect(stored).toMatchObject({ status: 'ACCEPTED', numSamples: 1, updateSha256: first.sha256 });
    expect(Array.from(await world.store.readVerified(stored.updateFile!, stored.updateSha256!))).toEqual([1, 1, 1, 1]);

    await updates.receive(round.id, site('s2'), upload(round, [4, 4, 4, 4], 3));
    await world.orchestrator.kick(id);
    expect(await world.repos.rounds.get(round.id)).toMatchObject({ status: 'COMPLETED' });
    expect(await world.repos.participations.get(seats[2].id)).toMatchObject({ status: 'DROPPED' });
    // s3 trained anyway: its update is late, and the refusal is recorded on its seat.
    expect(await refusal(updates.receive(round.id, site('s3'), upload(round, [2, 2, 2, 2])))).toMatchObject({
      statusCode: 409,
      code: 'LATE_UPDATE',
      participationId: seats[2].id,
    });
  });

  it('rejects a non-finite update with its code, records why, and the round does not count it', async () => {
    const { id, round, seats } = await openRound(1);
    const answer = await refusal(updates.receive(round.id, site('s1'), upload(round, [1, Number.NaN, 1, 1])));
    expect(answer).toMatchObject({ statusCode: 422, code: 'NON_FINITE', participationId: seats[0].id });
    expect(await world.repos.participations.get(seats[0].id)).toMatchObject({
      status: 'REJECTED',
      rejectionReason: expect.stringMatching(/^NON_FINITE: /),
    });
    await world.orchestrator.kick(id);
    expect(await world.repos.rounds.get(round.id)).toMatchObject({ status: 'OPEN' });
  });

  it('refuses a site without a seat and a body whose sha256 differs from the declared one', async () => {
    const { round, seats } = await openRound(3);
    const id2 = await world.createFederation();
    await world.orchestrator.kick(id2);
    const other = (await world.repos.rounds.latest(id2)) as RoundRecord;
    expect(await refusal(updates.receive(other.id, site('s1'), upload(other, [1, 1, 1, 1])))).toMatchObject({
      code: 'NOT_ASSIGNED',
    });
    const tampered = upload(round, [1, 1, 1, 1]);
    tampered.headers[UPDATE_HEADERS.sha256] = 'f'.repeat(64);
    expect(await refusal(updates.receive(round.id, site('s2'), tampered))).toMatchObject({
      code: 'SHA256_MISMATCH',
      participationId: seats[1].id,
    });
  });
});
