/**
 * Fault injection, file descriptors: a coordinator process whose open-file limit is lowered (`prlimit --pid`, no
 * privilege needed for one's own child) until not one more descriptor can be opened (EMFILE). The requests come over
 * a keep-alive connection opened before, so they reach the server: /readyz says the data directory cannot be
 * written (EMFILE), and an update upload — which cannot open its temporary file — is refused with 503 and
 * Retry-After. The process lives, and once descriptors are free again the same coordinator completes the round.
 * And the red team's repro: under `prlimit --nofile=256`, 150 never-finishing uploads from one site token.
 */
import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import { float32ToBytes, updateRequestHeaders } from '@fedstroke/protocol';
import {
  constant,
  makeWorkspace,
  type SiteHandle,
  startFederation,
  takeTask,
  type TrainingTask,
  uploadUpdate,
  waitForFederation,
} from './coordinator-kit';
import {
  type HeldUpload,
  holdUpload,
  isAlive,
  killHard,
  limitLeaving,
  openFileLimit,
  prlimitMissing,
  send,
  setOpenFileLimit,
  startCoordinatorProcess,
} from './coordinator-process';

/** A coordinator process boots in seconds, but on a loaded 2-core machine it can take many times that. */
const CHILD_PROCESS_TEST_MS = 180_000;
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The headers of an update upload of `body` by `site` for `task`, token included. */
function updateHeaders(site: SiteHandle, task: TrainingTask, body: Uint8Array): Record<string, string> {
  return {
    authorization: `Bearer ${site.token}`,
    ...updateRequestHeaders({
      sha256: createHash('sha256').update(body).digest('hex'),
      baseModelVersionId: task.baseModelVersionId,
      layoutSha256: task.parameterLayoutSha256,
      numSamples: 3,
      metrics: {},
    }),
  };
}

const unavailable = process.platform !== 'linux' ? `needs /proc (Linux, not ${process.platform})` : prlimitMissing();

(unavailable ? it.skip : it)(
  `out of file descriptors (EMFILE): /readyz says so, the upload gets 503, the process and the round go on${unavailable ? ` (${unavailable})` : ''}`,
  async () => {
    const workspace = makeWorkspace();
    const running = await startCoordinatorProcess(workspace);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const { url } = running;
      const { sites, federationId } = await startFederation(url, ['fd-a', 'fd-b'], {
        name: 'descriptors',
        rounds: 1,
        deadlineSeconds: 120,
      });
      const tasks = await Promise.all(sites.map((site) => takeTask(url, site, federationId)));
      const body = float32ToBytes(constant(1));
      const headers = updateHeaders(sites[0], tasks[0], body);
      expect((await send(agent, url, '/healthz')).status).toBe(200);

      const { soft } = openFileLimit(running.pid);
      setOpenFileLimit(running.pid, limitLeaving(running.pid, 0));
      const notReady = await send(agent, url, '/readyz');
      const upload = await send(agent, url, tasks[0].updateUploadPath, { method: 'POST', headers, body });
      setOpenFileLimit(running.pid, soft);

      expect(notReady.status).toBe(503);
      expect(JSON.parse(notReady.body).message).toMatch(/the data directory cannot be written \(EMFILE\)/);
      expect([upload.status, upload.headers['retry-after']]).toEqual([503, '5']);
      expect(JSON.parse(upload.body)).toMatchObject({
        code: 'STORAGE_UNAVAILABLE',
        message: expect.stringMatching(/too many files open \(EMFILE\)/),
      });
      expect(isAlive(running)).toBe(true);

      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { storage: { lastFault: unknown } }).storage.lastFault).toMatchObject({
        errno: 'EMFILE',
      });
      for (const [i, site] of sites.entries()) {
        expect((await uploadUpdate(url, site, tasks[i], constant(i + 1))).status).toBe(202);
      }
      await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
      expect(isAlive(running)).toBe(true);
    } finally {
      agent.destroy();
      await killHard(running);
      workspace.cleanup();
    }
  },
  CHILD_PROCESS_TEST_MS,
);

(unavailable ? it.skip : it)(
  `150 never-finishing uploads from one site token under prlimit --nofile=256: 4 are received, 146 get 429${unavailable ? ` (${unavailable})` : ''}`,
  async () => {
    const workspace = makeWorkspace();
    const running = await startCoordinatorProcess(workspace, { prlimit: ['--nofile=256'] });
    const held: HeldUpload[] = [];
    try {
      const { url } = running;
      const { sites, federationId } = await startFederation(url, ['flood', 'calm'], {
        name: 'flood',
        rounds: 1,
        deadlineSeconds: 120,
      });
      const tasks = await Promise.all(sites.map((site) => takeTask(url, site, federationId)));
      const body = float32ToBytes(constant(1));
      const headers = updateHeaders(sites[0], tasks[0], body);
      for (let i = 0; i < 150; i++) {
        held.push(holdUpload(url, tasks[0].updateUploadPath, headers, body.byteLength, body.subarray(0, 64)));
      }
      // 146 answers come at once; the 4 received uploads never answer (their bodies never end).
      const statuses: Array<number | string> = held.map(() => 'held');
      held.forEach((upload, i) =>
        upload.answer.then((answer) => (statuses[i] = answer instanceof Error ? answer.message : answer.status)),
      );
      const answered = () => statuses.filter((s) => s !== 'held').length;
      for (let waited = 0; answered() < 146 && waited < 30_000; waited += 50) await settle(50);
      await settle(500);
      expect(statuses.filter((s) => s === 429)).toHaveLength(146);
      expect(statuses.filter((s) => s === 'held')).toHaveLength(4);
      expect(isAlive(running)).toBe(true);

      for (const upload of held) upload.abort();
      // The other site was never held up; the flooding site's slots come back as the server sees its sockets close.
      expect((await uploadUpdate(url, sites[1], tasks[1], constant(2))).status).toBe(202);
      let retry = await uploadUpdate(url, sites[0], tasks[0], constant(1));
      for (let waited = 0; retry.status === 429 && waited < 10_000; waited += 100) {
        await settle(100);
        retry = await uploadUpdate(url, sites[0], tasks[0], constant(1));
      }
      expect(retry.status).toBe(202);
      await waitForFederation(url, federationId, (f) => f.status === 'COMPLETED');
      expect(isAlive(running)).toBe(true);
    } finally {
      for (const upload of held) upload.abort();
      await killHard(running);
      workspace.cleanup();
    }
  },
  CHILD_PROCESS_TEST_MS,
);
