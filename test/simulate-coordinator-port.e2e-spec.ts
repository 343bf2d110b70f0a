/**
 * simulate prefers port 4000 when it looks free, but two runs started together can both see it free: the one that
 * binds second must not die of PORT_IN_USE (that killed one of two runs started in one second on 3 December), while
 * a port the user asked for with --port still fails with the coordinator's own message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinatorProcess } from '@fedstroke/cli/testing';

describe('the coordinator child of simulate on a port taken meanwhile', () => {
  let dir: string;
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fedstroke-port-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as AddressInfo).port;
  });
  afterAll(() => {
    taken.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (name: string) => ({
    dataDir: join(dir, name),
    artifactsRoot: join(dir, 'artifacts'),
    adminToken: 'a'.repeat(48),
    port,
    logFile: join(dir, `${name}.log`),
  });

  it('fails with PORT_IN_USE on a port that was asked for', async () => {
    await expect(startCoordinatorProcess(options('asked'))).rejects.toThrow(
      new RegExp(`PORT_IN_USE.*port ${port} is in use`),
    );
  });

  it('listens on a port the OS picks when the port was only preferred', async () => {
    const { process: coordinator, url } = await startCoordinatorProcess({
      ...options('preferred'),
      anyPortIfTaken: true,
    });
    try {
      const listening = Number(new URL(url).port);
      expect(listening).toBeGreaterThan(0);
      expect(listening).not.toBe(port);
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    } finally {
      await coordinator.stop();
    }
  });
});
