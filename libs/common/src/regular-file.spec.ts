import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoTimeoutError, overdueIo, pendingIo, withIoTimeout } from './io-watch';
import { FileAccessError, openRegularFile, readChunks } from './regular-file';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedstroke-regular-file-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function refusal(path: string): Promise<FileAccessError> {
  const error = await openRegularFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileAccessError);
  return error as FileAccessError;
}

describe('openRegularFile', () => {
  it('reads a regular file in chunks', async () => {
    const path = join(dir, 'bytes.bin');
    await writeFile(path, Buffer.from(Array.from({ length: 10 }, (_, i) => i)));
    const file = await openRegularFile(path);
    try {
      expect(file.size).toBe(10);
      const chunks: number[][] = [];
      for await (const chunk of readChunks(file, 4)) chunks.push([...chunk]);
      expect(chunks).toEqual([
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
      ]);
    } finally {
      await file.close();
    }
  });

  it('refuses a directory, a named pipe and a socket before opening them, naming what was found', async () => {
    const fifo = join(dir, 'pipe.nii.gz');
    execFileSync('mkfifo', [fifo]);
    const socketPath = join(dir, 'socket.nii');
    const server: Server = createServer();
    await new Promise<void>((done) => server.listen(socketPath, done));
    try {
      // Four blocked opens of a FIFO would hold all four of libuv's pool threads; these return at once.
      const refused = await Promise.all([fifo, fifo, fifo, fifo, fifo, dir, socketPath].map(refusal));
      expect(refused.map((e) => [e.code, e.kind])).toEqual([
        ...new Array(5).fill(['FILE_NOT_REGULAR', 'a named pipe (FIFO)']),
        ['FILE_NOT_REGULAR', 'a directory'],
        ['FILE_NOT_REGULAR', 'a socket'],
      ]);
      expect(refused[0].message).toBe(`${fifo}: expected a regular file, found a named pipe (FIFO)`);
    } finally {
      await new Promise((done) => server.close(done));
    }
    // File I/O still answers: nothing is left waiting on the pipe.
    await expect(writeFile(join(dir, 'after.txt'), 'ok')).resolves.toBeUndefined();
  });

  it('says FILE_NOT_FOUND for a missing path', async () => {
    const error = await refusal(join(dir, 'nope.nii'));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.detail).toMatch(/no such file \(ENOENT/);
  });
});

describe('withIoTimeout', () => {
  it('rejects at its limit and lists the operation as pending until it really settles', async () => {
    let finish!: (value: number) => void;
    const stuck = new Promise<number>((resolve) => (finish = resolve));
    const attempt = withIoTimeout('read /mnt/hung/study.nii', stuck, 30);
    await expect(attempt).rejects.toBeInstanceOf(IoTimeoutError);
    await expect(attempt).rejects.toThrow('read /mnt/hung/study.nii: no answer from storage within 30 ms');
    expect(pendingIo(20).map((p) => p.what)).toContain('read /mnt/hung/study.nii');
    expect(overdueIo()).toEqual([{ what: 'read /mnt/hung/study.nii', ms: expect.any(Number), overdue: true }]);
    finish(1);
    await stuck;
    await new Promise((done) => setImmediate(done));
    expect(pendingIo().map((p) => p.what)).not.toContain('read /mnt/hung/study.nii');
    expect(overdueIo()).toEqual([]);
  });

  it('passes a prompt answer through and forgets it', async () => {
    await expect(withIoTimeout('stat x', Promise.resolve(7), 1000)).resolves.toBe(7);
    await expect(withIoTimeout('stat y', Promise.reject(new Error('EIO')), 1000)).rejects.toThrow('EIO');
    expect(pendingIo().map((p) => p.what)).not.toEqual(expect.arrayContaining(['stat x', 'stat y']));
  });
});
