import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiteLearningState } from './learning-state';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'site-learning-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const layout = 'a'.repeat(64);
const federation = '3f0e9a52-0000-4000-8000-000000000001';

describe('SiteLearningState', () => {
  it('keeps a federation’s control variate across a restart, tagged with its layout and round', async () => {
    const expected = { parameterLayoutSha256: layout, length: 3 };
    expect(await new SiteLearningState(dir).read(federation, 'scaffold-control', expected)).toBeNull();
    await new SiteLearningState(dir).write(federation, 'scaffold-control', Float32Array.from([1, -2, 3]), {
      parameterLayoutSha256: layout,
      roundIndex: 4,
    });
    const reopened = await new SiteLearningState(dir).read(federation, 'scaffold-control', expected);
    expect(Array.from(reopened?.values ?? [])).toEqual([1, -2, 3]);
    expect(reopened?.roundIndex).toBe(4);
    expect(await new SiteLearningState(dir).read(federation, 'local-norms', expected)).toBeNull();
  });

  it('refuses values kept for another model instead of applying them, and unsafe federation ids', async () => {
    const state = new SiteLearningState(dir);
    await state.write(federation, 'local-norms', new Float32Array(4), { parameterLayoutSha256: layout, roundIndex: 1 });
    await expect(state.read(federation, 'local-norms', { parameterLayoutSha256: layout, length: 5 })).rejects.toThrow(
      /holds 4 values .* the federation trains 5/,
    );
    await expect(
      state.read(federation, 'local-norms', { parameterLayoutSha256: 'b'.repeat(64), length: 4 }),
    ).rejects.toThrow(/move the file away/);
    writeFileSync(state.file(federation, 'local-norms'), 'garbage');
    await expect(state.read(federation, 'local-norms', { parameterLayoutSha256: layout, length: 4 })).rejects.toThrow();
    expect(() => state.file('../x', 'local-norms')).toThrow(RangeError);
  });
});
