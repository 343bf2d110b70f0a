/**
 * A site agent whose local artifacts are not the federation's model: it reads its artifacts once (the training
 * session does, hashes checked), sees that their parameter layout is not the task's, and reports the failure with
 * both layouts named instead of training; the round then ends without it and the agent stops with the federation.
 */
import { join } from 'node:path';
import { resolveSiteConfig, SiteAgent, SiteLogger } from '@fedstroke/site';
import { gqlOk, READONLY_TOKEN, startFederation, startCoordinatorWorld } from './coordinator-kit';

const world = startCoordinatorWorld();

it('reports a layout mismatch between its artifacts and the task, naming both, and trains nothing', async () => {
  // The coordinator's "tiny" is the kit's 1000-parameter model; the agent's is the repository's real tiny U-Net.
  const { sites, federationId } = await startFederation(world.url, ['mismatched'], {
    name: 'layout',
    rounds: 1,
    deadlineSeconds: 60,
  });
  const agent = new SiteAgent(
    resolveSiteConfig({
      coordinatorUrl: world.url,
      token: sites[0].token,
      dataDir: join(world.workspace.root, 'no-data-needed'),
      artifactsRoot: join(__dirname, '..', 'onnx-models'),
      stateDir: join(world.workspace.root, 'site-state'),
      federationId,
      longPollSeconds: 1,
    }),
    new SiteLogger('silent'),
  );
  const exit = await agent.run(AbortSignal.timeout(30_000));
  expect(exit).toMatchObject({ reason: 'finished', roundsCompleted: 0, federationStatus: 'COMPLETED' });

  const rounds = await gqlOk<{
    rounds: { items: Array<{ status: string; participants: Array<{ status: string; rejectionReason: string }> }> };
  }>(
    world.url,
    READONLY_TOKEN,
    'query ($id: ID!) { rounds(federationId: $id) { items { status participants { status rejectionReason } } } }',
    { id: federationId },
  );
  const [participant] = rounds.rounds.items[0].participants;
  expect(participant.status).toBe('FAILED');
  expect(participant.rejectionReason).toMatch(
    /local model "tiny" has layout [0-9a-f]{12}… with \d+ parameters; the federation trains [0-9a-f]{12}… with 1000/,
  );
});
