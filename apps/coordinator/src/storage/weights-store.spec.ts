import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { StorageFaultError } from './storage-errors';
import { PayloadTooLargeError, StoredFileCorruptError, WeightsStore } from './weights-store';

describe('WeightsStore', () => {
  let dir: string;
  let store: WeightsStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fedstroke-weights-'));
    store = new WeightsStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes atomically, reports the sha256 and reads float32 back', async () => {
    const weights = Float32Array.from([1, -2, 3.5]);
    const bytes = new Uint8Array(weights.buffer);
    const stored = await store.writeAtomic('models/f/round-1.f32', bytes);
    expect(stored).toEqual({
      file: 'models/f/round-1.f32',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: 12,
    });
    expect(readdirSync(join(dir, 'models/f'))).toEqual(['round-1.f32']);
    expect(Array.from(await store.readFloat32('models/f/round-1.f32'))).toEqual([1, -2, 3.5]);
  });

  it('streams a body under the limit, hashing it, and stops past the limit leaving nothing behind', async () => {
    const chunks = [Buffer.alloc(100, 1), Buffer.alloc(100, 2)];
    const received = await store.receive(Readable.from(chunks), 'updates/x', 200);
    expect(received.sizeBytes).toBe(200);
    expect(received.sha256).toBe(createHash('sha256').update(Buffer.concat(chunks)).digest('hex'));
    expect(readFileSync(received.tmpPath)).toEqual(Buffer.concat(chunks));
    await store.discard(received.tmpPath);

    await expect(
      store.receive(Readable.from([Buffer.alloc(150), Buffer.alloc(150)]), 'updates/x', 200),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(readdirSync(join(dir, 'updates/x'))).toEqual([]);
  });

  it('sweeps temporaries a crash left behind and keeps finished files', async () => {
    await store.writeAtomic('models/f/keep.f32', new Uint8Array(4));
    const partial = await store.receive(Readable.from([Buffer.alloc(8)]), 'updates/f/round-00001', 100);
    expect(await store.sweepTemporaries()).toEqual([store.relative(partial.tmpPath)]);
    expect(readdirSync(join(dir, 'updates/f/round-00001'))).toEqual([]);
    expect(readdirSync(join(dir, 'models/f'))).toEqual(['keep.f32']);
  });

  it('turns a failed write into a StorageFaultError, reads the rest of the body, keeps nothing', async () => {
    // A regular file where the scratch folder should be: mkdir fails (ENOTDIR), as it would on a broken volume.
    writeFileSync(join(dir, 'blocked'), 'not a folder');
    let read = 0;
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 4; i++) {
          read++;
          yield Buffer.alloc(50, i);
        }
      })(),
    );
    const error = await store.receive(body, 'blocked/incoming', 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFaultError);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', errno: 'ENOTDIR', status: 503, retryAfterSeconds: 5 });
    expect((error as Error).message).toMatch(/^receiving an upload: the coordinator's storage cannot take it now/);
    expect(read).toBe(4);
    expect(store.lastFault).toMatchObject({ operation: 'receiving an upload', errno: 'ENOTDIR' });
    expect(readdirSync(dir)).toEqual(['blocked']);

    await store.writeAtomic('models/f/ok.f32', new Uint8Array(4));
    expect(store.lastFault).toBeNull();
  });

  it('reads back only what hashes to the recorded sha256', async () => {
    const bytes = new Uint8Array(Float32Array.from([1, 2]).buffer);
    const stored = await store.writeAtomic('updates/f/round-00001/u.f32', bytes);
    expect(Array.from(await store.readVerified(stored.file, stored.sha256))).toEqual([1, 2]);
    writeFileSync(join(dir, stored.file), new Uint8Array(Float32Array.from([1, 3]).buffer));
    await expect(store.readVerified(stored.file, stored.sha256)).rejects.toThrow(StoredFileCorruptError);
    await expect(store.readVerified(stored.file, stored.sha256)).rejects.toThrow(`was recorded when it was stored`);
    rmSync(join(dir, stored.file));
    await expect(store.readVerified(stored.file, stored.sha256)).rejects.toThrow(/is missing/);
  });

  it('refuses paths that leave the data directory', () => {
    expect(() => store.resolve('../elsewhere')).toThrow(/resolves outside the data directory/);
  });
});
