/**
 * SCAFFOLD over the real processes (coordinator, three site agents, the tiny U-Net): the server control variate c
 * travels to the sites per round, each site's Δc_i travels back in its update body, c is kept beside each model
 * version and each c_i in its site's state folder. Across a coordinator crash (SIGKILL) and a site agent crash, both
 * continue: at the end c is still the mean of the sites' c_i (c = (1/N) Σ c_i holds after every round in which all N
 * sites took part, from c = c_i = 0), so no Δc_i was lost or applied twice on either side. The same federation
 * chooses its detection settings in its last round and records them on the final model version.
 */
import { join } from 'node:path';
import { bytesToFloat32, controlVariatePath, joinUrl, MODEL_HEADERS, sha256Hex } from '@fedstroke/protocol';
import { SiteLearningState } from '@fedstroke/site';
import {
  bootCoordinator,
  eventually,
  logEvents,
  startFederationWorld,
  startSite,
  useFederationWorlds,
  waitForStatus,
  type FederationWorld,
} from './federation-kit';

useFederationWorlds();

async function serverControl(world: FederationWorld, versionId: string): Promise<Float32Array> {
  const response = await fetch(joinUrl(world.url, controlVariatePath(versionId)), {
    headers: { authorization: `Bearer ${world.adminToken}` },
  });
  expect(response.status).toBe(200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect(response.headers.get(MODEL_HEADERS.sha256)).toBe(sha256Hex(bytes));
  return bytesToFloat32(bytes, 'control variate');
}

describe('SCAFFOLD federation', () => {
  it('keeps c and every c_i consistent through a coordinator crash and a site agent crash', async () => {
    const { world, federationId } = await startFederationWorld('scaffold', {
      rounds: 4,
      localSteps: 3,
      strategy: 'SCAFFOLD',
      strategyParams: { detectionSelection: true },
    });
    const roundsCompleted = (n: number) =>
      eventually(
        async () => {
          const rounds = await world.admin.rounds(federationId);
          return rounds.filter((r) => r.status === 'COMPLETED').length >= n ? rounds : undefined;
        },
        150_000,
        100,
      );

    await roundsCompleted(1);
    await world.coordinator.kill();
    world.coordinator = (await bootCoordinator(world.root, world.adminToken, Number(new URL(world.url).port))).process;
    await roundsCompleted(2);
    const restarted = world.folders[1];
    await world.sites.get(restarted.name)?.kill();
    startSite(world, restarted, federationId);

    await waitForStatus(world, federationId, 'COMPLETED', 200_000);
    const rounds = await world.admin.rounds(federationId);
    expect(rounds.map((r) => [r.index, r.status])).toEqual([
      [1, 'COMPLETED'],
      [2, 'COMPLETED'],
      [3, 'COMPLETED'],
      [4, 'COMPLETED'],
    ]);
    for (const round of rounds) expect(round.participants.filter((p) => p.status === 'ACCEPTED')).toHaveLength(3);

    const final = await world.admin.federation(federationId);
    const c = await serverControl(world, final.latestModelVersion?.id as string);
    const siteControls = await Promise.all(
      world.folders.map(async (folder) => {
        const stored = await new SiteLearningState(join(world.root, 'site-state', folder.name)).read(
          federationId,
          'scaffold-control',
          { parameterLayoutSha256: await layoutOf(), length: c.length },
        );
        expect(stored?.roundIndex).toBe(4);
        return stored?.values as Float32Array;
      }),
    );
    let largest = 0;
    let worst = 0;
    for (let j = 0; j < c.length; j++) {
      const mean = (siteControls[0][j] + siteControls[1][j] + siteControls[2][j]) / 3;
      largest = Math.max(largest, Math.abs(c[j]));
      worst = Math.max(worst, Math.abs(c[j] - mean));
    }
    expect(largest).toBeGreaterThan(0); // the sites did move c
    expect(worst).toBeLessThan(1e-5 * largest + 1e-7);
    // The initial model's control variate is the paper's c = 0.
    expect((await serverControl(world, await initialVersion(world, federationId))).every((v) => v === 0)).toBe(true);

    // The last round's sites scored the grid; the choice is on the round and the final model version.
    const last = Object.fromEntries(rounds[3].metrics.map((m) => [m.name, m.value]));
    expect(last.detectionThreshold).toBeGreaterThan(0);
    expect(last.detectionValCases).toBe(3);
    expect(Object.keys(last).some((name) => name.startsWith('detect:'))).toBe(false);
    // Both crashes happened: two agent starts in the restarted site's log, a boot resume in the coordinator's.
    const restartedLog = logEvents(join(world.root, 'logs', `site-${restarted.name}.log`));
    expect(restartedLog.filter((e) => e.event === 'site.started')).toHaveLength(2);
    const coordinatorLog = logEvents(join(world.root, 'logs', 'coordinator.log'));
    expect(coordinatorLog.some((e) => e.event === 'federation.resumed_after_boot')).toBe(true);
  }, 420_000);
});

async function layoutOf(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const manifest = JSON.parse(await readFile(join(__dirname, '../onnx-models/tiny/manifest.json'), 'utf8')) as {
    parameterLayoutSha256: string;
  };
  return manifest.parameterLayoutSha256;
}

async function initialVersion(world: FederationWorld, federationId: string): Promise<string> {
  const data = await world.admin.request<
    { modelVersions: { items: Array<{ id: string; roundIndex: number }> } },
    { id: string }
  >('modelVersions', 'query ($id: ID!) { modelVersions(federationId: $id) { items { id roundIndex } } }', {
    id: federationId,
  });
  return data.modelVersions.items.find((v) => v.roundIndex === 0)?.id as string;
}
