import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoundJournal } from './round-journal';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'site-journal-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const update = { weights: Float32Array.from([1, 2, 3]), numSamples: 7, metrics: { trainLoss: 0.5 } };

describe('RoundJournal', () => {
  it('keeps a finished update across a restart until the coordinator has answered', async () => {
    await new RoundJournal(dir).saveUpdate('p-1', update);
    const reopened = new RoundJournal(dir);
    const loaded = await reopened.loadUpdate('p-1');
    expect(Array.from(loaded?.update.weights ?? [])).toEqual([1, 2, 3]);
    expect(loaded?.update).toMatchObject({ numSamples: 7, metrics: { trainLoss: 0.5 } });
    expect(loaded?.update.controlDelta).toBeUndefined();
    expect(loaded?.commit).toEqual({});

    await reopened.recordOutcome('p-1', { kind: 'ACCEPTED' });
    expect(await reopened.loadUpdate('p-1')).toBeNull();
    expect(await reopened.outcome('p-1')).toMatchObject({ kind: 'ACCEPTED' });
  });

  it('keeps a SCAFFOLD update’s Δc_i and the values to commit on acceptance, and drops them with the weights', async () => {
    const journal = new RoundJournal(dir);
    const scaffold = { ...update, controlDelta: Float32Array.from([0.1, 0.2, 0.3]) };
    await journal.saveUpdate('p-4', scaffold, {
      'scaffold-control': Float32Array.from([4, 5, 6]),
      'local-norms': Float32Array.from([7]),
    });
    const loaded = await new RoundJournal(dir).loadUpdate('p-4');
    expect(Array.from(loaded?.update.controlDelta ?? [])).toEqual([
      expect.closeTo(0.1, 6),
      expect.closeTo(0.2, 6),
      expect.closeTo(0.3, 6),
    ]);
    expect(Array.from(loaded?.commit['scaffold-control'] ?? [])).toEqual([4, 5, 6]);
    expect(Array.from(loaded?.commit['local-norms'] ?? [])).toEqual([7]);
    // A changed Δc_i invalidates the whole update: it is trained again rather than sent half-right.
    writeFileSync(join(dir, 'rounds', 'p-4', 'control-delta.f32'), Buffer.alloc(12, 1));
    expect(await journal.loadUpdate('p-4')).toBeNull();
    await journal.saveUpdate('p-5', scaffold, { 'scaffold-control': Float32Array.from([1, 1, 1]) });
    await journal.recordOutcome('p-5', { kind: 'ACCEPTED' });
    expect(readdirSync(join(dir, 'rounds', 'p-5')).filter((f) => f.endsWith('.f32'))).toEqual([]);
  });

  it('ignores an update whose bytes no longer match their sha256', async () => {
    const journal = new RoundJournal(dir);
    await journal.saveUpdate('p-2', update);
    writeFileSync(join(dir, 'rounds', 'p-2', 'update.f32'), Buffer.alloc(12, 1));
    expect(await journal.loadUpdate('p-2')).toBeNull();
  });

  it('finds a resumable checkpoint of an interrupted round', async () => {
    const journal = new RoundJournal(dir);
    expect(await journal.resumableCheckpoint('p-3')).toBeUndefined();
    mkdirSync(journal.checkpointDir('p-3'), { recursive: true });
    writeFileSync(join(journal.checkpointDir('p-3'), 'last.safetensors'), 'x');
    expect(await journal.resumableCheckpoint('p-3')).toMatch(/p-3\/checkpoint\/last\.safetensors$/);
  });

  it('keeps only the newest folders when pruning and refuses unsafe ids', async () => {
    const journal = new RoundJournal(dir);
    for (const id of ['a', 'b', 'c']) {
      await journal.recordOutcome(id, { kind: 'ACCEPTED' });
      await new Promise((r) => setTimeout(r, 20));
    }
    await journal.prune(2);
    expect(readdirSync(join(dir, 'rounds')).sort()).toEqual(['b', 'c']);
    expect(() => journal.checkpointDir('../etc')).toThrow(RangeError);
  });
});
