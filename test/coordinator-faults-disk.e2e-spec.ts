/**
 * Fault injection, storage: a disk that fills up (a 4 MB tmpfs, filled to the last page), a data directory that
 * turns read-only (the tmpfs remounted ro), and, without any privilege, a file-size limit (`prlimit --fsize`, EFBIG)
 * on a coordinator process. Each time: that upload is refused with 507 or 503 and Retry-After, no partial file is
 * left, /readyz says what is wrong, the process keeps serving, and once the fault is gone the round completes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADMIN_TOKEN,
  bootCoordinator,
  constant,
  CREATE_FEDERATION,
  downloadModel,
  gql,
  INFERENCE_TOKEN,
  makeWorkspace,
  MODEL_NAME,
  READONLY_TOKEN,
  gqlOk,
  startFederation,
  takeTask,
  uploadBytes,
  uploadUpdate,
  viewFederation,
  waitForFederation,
  type Workspace,
} from './coordinator-kit';
import {
  isAlive,
  killHard,
  prlimitMissing,
  processLimit,
  setFileSizeLimit,
  startCoordinatorProcess,
} from './coordinator-process';
import { mountTmpfs, type Tmpfs, tmpfsUnavailable } from './support/tmpfs';
import type { CoordinatorApp } from '@fedstroke/coordinator';

const PARTICIPANTS = `query ($id: ID!) { federation(id: $id) { currentRound { participants { siteId status } } } }`;

interface ReadinessBody {
  status: string;
  message?: string;
  storage: { ok: boolean; problem: string | null; lastFault: { errno: string } | null };
}

async function readiness(url: string): Promise<{ status: number; body: ReadinessBody }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadinessBody };
}

/** Files an upload could have left behind: .part files being received, and anything in a round's update folder. */
function leftovers(dataDir: string): string[] {
  const updates = join(dataDir, 'updates');
  return existsSync(updates)
    ? readdirSync(updates, { recursive: true })
        .map(String)
        .filter((f) => /\.(part|f32)$/.test(f))
    : [];
}

const noTmpfs = tmpfsUnavailable();
if (noTmpfs) console.warn(`tmpfs fault tests skipped: ${noTmpfs}`);
const withTmpfs = noTmpfs ? it.skip : it;

describe('on a real tmpfs', () => {
  let workspace: Workspace;
  let tmpfs: Tmpfs;
  let coordinator: CoordinatorApp;

  beforeEach(async () => {
    if (noTmpfs) return;
    workspace = makeWorkspace();
    tmpfs = mountTmpfs(workspace.dataDir, 4 << 20) as Tmpfs;
    coordinator = await bootCoordinator(workspace, [], {
      // The database lives elsewhere, as it does when the data directory is its own volume.
      databaseUrl: `sqlite://${join(workspace.root, 'coordinator.sqlite')}`,
      storageMinFreeBytes: 64 * 1024,
    });
  });

  afterEach(async () => {
    if (noTmpfs) return;
    await coordinator.close();
    tmpfs.unmount();
    workspace.cleanup();
  });

  withTmpfs(
    `disk full: the upload gets 507, the process and the round go on${noTmpfs ? ` (${noTmpfs})` : ''}`,
    async () => {
      const { url } = coordinator;
      const { sites, federationId } = await startFederation(url, ['full-a', 'full-b'], {
        name: 'disk-full',
        rounds: 1,
        deadlineSeconds: 120,
      });
      const tasks = await Promise.all(sites.map((site) => takeTask(url, site, federationId)));
      const filler = tmpfs.fill();

      const refused = await uploadUpdate(url, sites[0], tasks[0], constant(1));
      expect(refused.status).toBe(507);
      expect(refused.retryAfter).toBe('5');
      expect(refused.body).toMatchObject({ code: 'STORAGE_FULL', retryAfterSeconds: 5 });
      expect(String(refused.body.message)).toMatch(/no space is left on it \(ENOSPC\); nothing was kept/);
      expect(leftovers(workspace.dataDir)).toEqual([]);
      // Not the site's fault: nothing recorded, its assignment stays open.
      const view = await gqlOk<{ federation: { currentRound: { participants: Array<{ status: string }> } } }>(
        url,
        READONLY_TOKEN,
        PARTICIPANTS,
        { id: federationId },
      );
      expect(view.federation.currentRound.participants.map((p) => p.status)).toEqual(['ASSIGNED', 'ASSIGNED']);

      const study = await uploadBytes(url, INFERENCE_TOKEN, randomBytes(1 << 20), 'study.nii');
      expect([study.status, study.body.code, study.retryAfter]).toEqual([507, 'STORAGE_FULL', '5']);
      expect(readdirSync(join(workspace.dataDir, 'inference', 'uploads'))).toEqual([]);

      // A mutation that must write its round-0 model says so too, and leaves no federation without one behind.
      const created = await gql(url, ADMIN_TOKEN, CREATE_FEDERATION, {
        input: {
          name: 'on-a-full-disk',
          modelConfigName: MODEL_NAME,
          sitesPerRound: 1,
          siteIds: [sites[0].id],
          rounds: 1,
          deadlineSeconds: 60,
          localSteps: 5,
          learningRate: 0.001,
        },
      });
      expect(created.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/no space is left on it \(ENOSPC\); nothing was kept/),
        extensions: { code: 'STORAGE_FULL', status: 507, retryAfterSeconds: 5 },
      });
      const names = await gqlOk<{ federations: { items: Array<{ name: string }> } }>(
        url,
        READONLY_TOKEN,
        '{ federations { items { name } } }',
      );
      expect(names.federations.items.map((f) => f.name)).toEqual(['disk-full']);

      const notReady = await readiness(url);
      expect(notReady.status).toBe(503);
      expect(notReady.body.storage).toMatchObject({ ok: false, lastFault: { errno: 'ENOSPC' } });
      expect(notReady.body.message).toMatch(/the data directory cannot be written \(ENOSPC\)/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      rmSync(filler);
      expect((await readiness(url)).status).toBe(200);
      expect((await uploadUpdate(url, sites[0], tasks[0], constant(1))).status).toBe(202);
      expect((await uploadUpdate(url, sites[1], tasks[1], constant(3))).status).toBe(202);
      const done = await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
      const { weights } = await downloadModel(url, ADMIN_TOKEN, `/models/${done.federation.latestModelVersion.id}`);
      expect(weights[0]).toBeCloseTo(2, 6);
      expect((await readiness(url)).body.storage.lastFault).toBeNull();
    },
  );

  withTmpfs(
    `read-only storage: the upload gets 503, /readyz names EROFS${noTmpfs ? ` (${noTmpfs})` : ''}`,
    async () => {
      const { url } = coordinator;
      const { sites, federationId } = await startFederation(url, ['ro-a'], {
        name: 'read-only',
        rounds: 1,
        deadlineSeconds: 120,
      });
      const [task] = [await takeTask(url, sites[0], federationId)];
      tmpfs.remount('ro');
      try {
        const refused = await uploadUpdate(url, sites[0], task, constant(1));
        expect([refused.status, refused.body.code, refused.retryAfter]).toEqual([503, 'STORAGE_UNAVAILABLE', '5']);
        expect(String(refused.body.message)).toMatch(/it is read-only \(EROFS\)/);
        const notReady = await readiness(url);
        expect([notReady.status, notReady.body.message]).toEqual([503, expect.stringMatching(/\(EROFS\)/)]);
        expect((await viewFederation(url, federationId)).federation.status).toBe('RUNNING');
      } finally {
        tmpfs.remount('rw');
      }
      expect((await uploadUpdate(url, sites[0], task, constant(5))).status).toBe(202);
      await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
      expect((await readiness(url)).status).toBe(200);
    },
  );
});

const noPrlimit = prlimitMissing();
(noPrlimit ? it.skip : it)(
  `a file larger than the process may write (prlimit --fsize, EFBIG) fails that upload with 507, unprivileged${noPrlimit ? ` (${noPrlimit})` : ''}`,
  async () => {
    const workspace = makeWorkspace();
    const running = await startCoordinatorProcess(workspace, {
      env: { FEDSTROKE_UPLOAD_SLACK_BYTES: String(16 << 20) },
    });
    try {
      // 8 MiB per file: the database, the WAL and the 4 KB model files stay below it, a 12 MiB upload does not.
      setFileSizeLimit(running.pid, 8 << 20);
      expect(processLimit(running.pid, 'fsize')).toEqual({ soft: 8 << 20, hard: 8 << 20 });
      const { url } = running;
      const { sites, federationId } = await startFederation(url, ['big'], {
        name: 'file-size',
        rounds: 1,
        deadlineSeconds: 120,
      });
      const task = await takeTask(url, sites[0], federationId);
      const tooBig = await uploadUpdate(url, sites[0], task, new Uint8Array(12 << 20));
      expect([tooBig.status, tooBig.body.code]).toEqual([507, 'STORAGE_FULL']);
      expect(String(tooBig.body.message)).toMatch(/\(EFBIG\)/);
      const study = await uploadBytes(url, INFERENCE_TOKEN, new Uint8Array(12 << 20), 'big.nii');
      expect([study.status, study.body.code]).toEqual([507, 'STORAGE_FULL']);
      expect(isAlive(running)).toBe(true);
      expect(leftovers(workspace.dataDir)).toEqual([]);

      expect((await uploadUpdate(url, sites[0], task, constant(2))).status).toBe(202);
      await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
      expect(isAlive(running)).toBe(true);
    } finally {
      await killHard(running);
      workspace.cleanup();
    }
  },
  180_000,
);
