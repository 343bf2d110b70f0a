import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportModelVersion } from './export.command';

// The happy paths run against real coordinators: the data-dir export in test/federation-simulate.e2e-spec.ts, the
// API export in test/inference.e2e-spec.ts. These are the refusals, made before anything is written.
describe('fedstroke export', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fedstroke-export-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const id = '5c2f1a9e-0000-4000-8000-000000000002';

  it('needs exactly one source', async () => {
    const out = join(dir, 'out');
    await expect(exportModelVersion(id, { out, artifacts: dir })).rejects.toThrow(
      /give one of --data-dir DIR .* or --coordinator URL/,
    );
    await expect(
      exportModelVersion(id, { out, artifacts: dir, dataDir: dir, coordinator: 'http://x' }),
    ).rejects.toThrow(/give one of/);
  });

  it('names a data directory that holds no coordinator database, and creates none there', async () => {
    const empty = join(dir, 'not-a-coordinator');
    await expect(exportModelVersion(id, { out: join(dir, 'out'), artifacts: dir, dataDir: empty })).rejects.toThrow(
      `no coordinator database at ${join(empty, 'coordinator.sqlite')}`,
    );
  });
});
