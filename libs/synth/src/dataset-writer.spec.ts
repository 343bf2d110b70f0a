import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverDataset, readSiteMap, splitFromSiteMap } from '@fedstroke/isles';
import { readNifti } from '@fedstroke/nifti';
import { generateDataset, SynthDatasetOptions } from './dataset-writer';

/** A small grid over the default field of view (160 × 160 × 120 mm): same anatomy, an eighth of the voxels. */
const SMALL = { shape: [32, 32, 20] as [number, number, number], spacing: [5, 5, 6] as [number, number, number] };

async function fileHashes(root: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        hashes[path.relative(root, full)] = createHash('sha256')
          .update(await fs.readFile(full))
          .digest('hex');
    }
  };
  await walk(root);
  return hashes;
}

describe('generateDataset', () => {
  let base: string;
  const generate = (dir: string, extra: Partial<SynthDatasetOptions> = {}) =>
    generateDataset({ outDir: path.join(base, dir), cases: 3, sites: 3, seed: 11, silent: true, ...SMALL, ...extra });

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'synth-'));
  });
  afterAll(() => fs.rm(base, { recursive: true, force: true }));

  it('writes byte-identical files for the same seed and different ones for another seed', async () => {
    await generate('a');
    await generate('b');
    await generate('c', { seed: 12 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((dir) => fileHashes(path.join(base, dir))));
    expect(Object.keys(a)).toHaveLength(3 * 4 + 4); // four images per case, plus tsv, site map, description, manifest
    expect(b).toEqual(a);
    const dwi = 'rawdata/sub-strokecase0001/ses-0001/dwi/sub-strokecase0001_ses-0001_dwi.nii.gz';
    expect(c[dwi]).not.toBe(a[dwi]);
  });

  it('writes a layout that discoverDataset reads with every modality, and a usable site map', async () => {
    const root = path.join(base, 'a');
    const found = await discoverDataset(root, { policy: 'fail', requireFlair: true, requireMask: true });
    expect(found.cases.map((c) => c.id)).toEqual(['sub-strokecase0001', 'sub-strokecase0002', 'sub-strokecase0003']);
    expect(found.cases[0].flair).toContain(path.join('ses-0001', 'anat'));
    const siteMap = await readSiteMap(path.join(root, 'site-map.json'));
    expect(Object.values(siteMap)).toEqual(['center-1', 'center-2', 'center-3']);
    const split = splitFromSiteMap(Object.keys(siteMap), siteMap, { testFraction: 0, valFraction: 0, seed: 0 });
    expect(split.sites).toHaveLength(3);
    const tsv = (await fs.readFile(path.join(root, 'participants.tsv'), 'utf8')).trim().split('\n');
    expect(tsv[0].split('\t')).toEqual([
      'participant_id',
      'center',
      'lesion_pattern',
      'border',
      'onset_hours',
      'flair_visible',
      'adc_pseudonormal',
      'lesion_volume_ml',
      'lesion_count',
      'mimics',
    ]);
    expect(tsv).toHaveLength(4);
  });

  it('stores each center in its own datatypes and units', async () => {
    const root = path.join(base, 'a');
    const dwi = (id: string) => readNifti(`${root}/rawdata/${id}/ses-0001/dwi/${id}_ses-0001_dwi.nii.gz`);
    expect((await dwi('sub-strokecase0001')).datatype).toBe('float32');
    expect((await dwi('sub-strokecase0002')).datatype).toBe('int16');
    const adc3 = await readNifti(
      `${root}/rawdata/sub-strokecase0003/ses-0001/dwi/sub-strokecase0003_ses-0001_adc.nii.gz`,
    );
    expect(adc3.datatype).toBe('int16');
    expect(Math.max(...adc3.data)).toBeGreaterThan(1000); // 10^-6 mm²/s: CSF near 3000
  });

  it('refuses a non-empty folder that is not a synthetic dataset, and replaces one only with force', async () => {
    const foreign = path.join(base, 'foreign');
    await fs.mkdir(foreign);
    await fs.writeFile(path.join(foreign, 'notes.txt'), 'keep me');
    await expect(generate('foreign')).rejects.toThrow(/not a synthetic dataset/);
    await expect(generate('a')).rejects.toThrow(/pass --force/);
    const summary = await generate('a', { cases: 1, force: true });
    expect(summary.cases).toHaveLength(1);
    await expect(fs.stat(path.join(base, 'a', 'rawdata', 'sub-strokecase0002'))).rejects.toThrow();
  });

  it('names invalid options', async () => {
    await expect(generate('bad', { cases: 0 })).rejects.toThrow(/cases must be an integer in 1\.\.9999, got 0/);
    await expect(generate('bad', { shape: [8, 32, 20] })).rejects.toThrow(/shape must be three integers in 16\.\.512/);
  });
});
