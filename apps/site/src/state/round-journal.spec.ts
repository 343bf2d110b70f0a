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
    expect(Array.from(loaded?.weights ?? [])).toEqual([1, 2, 3]);
    expect(loaded).toMatchObject({ numSamples: 7, metrics: { trainLoss: 0.5 } });

    await reopened.recordOutcome('p-1', { kind: 'ACCEPTED' });
    expect(await reopened.loadUpdate('p-1')).toBeNull();
    expect(await reopened.outcome('p-1')).toMatchObject({ kind: 'ACCEPTED' });
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
