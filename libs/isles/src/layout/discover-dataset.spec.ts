import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatasetLayoutError } from '../errors';
import { islesCasePaths, modalityOf } from './case-files';
import { discoverDataset } from './discover-dataset';

/** Discovery looks at names only, so empty files are enough to build a tree. */
async function touch(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, '');
}

async function buildTree(): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'isles-tree-'));
  // Case 1: the release layout (dwi/ + anat/), mask in derivatives/.
  const one = islesCasePaths(root, 'sub-strokecase0001');
  for (const file of Object.values(one)) await touch(file);
  // Case 2: the flat variant, mask in derivatives/…/dwi/.
  const flat = path.join(root, 'rawdata', 'sub-strokecase0002', 'ses-0001');
  for (const suffix of ['dwi', 'adc', 'FLAIR'])
    await touch(path.join(flat, `sub-strokecase0002_ses-0001_${suffix}.nii.gz`));
  await touch(
    path.join(root, 'derivatives', 'sub-strokecase0002', 'ses-0001', 'dwi', 'sub-strokecase0002_ses-0001_msk.nii.gz'),
  );
  // Case 3: no ADC.  Case 4: no FLAIR and no mask.
  const three = islesCasePaths(root, 'sub-strokecase0003');
  for (const file of [three.dwi, three.flair, three.mask]) await touch(file);
  const four = islesCasePaths(root, 'sub-strokecase0004');
  for (const file of [four.dwi, four.adc]) await touch(file);
  return root;
}

describe('modalityOf', () => {
  it('recognizes the ISLES suffixes, any case, .nii or .nii.gz', () => {
    expect(modalityOf('sub-x_ses-0001_FLAIR.nii.gz')).toBe('FLAIR');
    expect(modalityOf('sub-x_ses-0001_flair.nii')).toBe('FLAIR');
    expect(modalityOf('sub-x_ses-0001_adc.nii.gz')).toBe('adc');
    expect(modalityOf('sub-x_ses-0001_msk.nii.gz')).toBe('msk');
    expect(modalityOf('sub-x_ses-0001_dwi.json')).toBeNull();
  });
});

describe('discoverDataset', () => {
  let root: string;
  beforeAll(async () => {
    root = await buildTree();
  });
  afterAll(() => fs.rm(root, { recursive: true }));

  it('finds both layouts and reports a case without ADC by name (policy skip)', async () => {
    const found = await discoverDataset(root, { policy: 'skip' });
    expect(found.cases.map((c) => c.id)).toEqual(['sub-strokecase0001', 'sub-strokecase0002', 'sub-strokecase0004']);
    expect(found.cases[1].flair).toMatch(/ses-0001\/sub-strokecase0002_ses-0001_FLAIR\.nii\.gz$/);
    expect(found.cases[1].mask).toMatch(/derivatives\/sub-strokecase0002\/ses-0001\/dwi\//);
    expect(found.cases[2].flair).toBeUndefined();
    expect(found.problems).toEqual([
      {
        caseId: 'sub-strokecase0003',
        missing: ['adc'],
        message: expect.stringMatching(/sub-strokecase0003: no \*_adc/),
      },
    ]);
  });

  it('adds FLAIR and the mask to the requirements when asked', async () => {
    const found = await discoverDataset(root, { policy: 'skip', requireFlair: true, requireMask: true });
    expect(found.cases.map((c) => c.id)).toEqual(['sub-strokecase0001', 'sub-strokecase0002']);
    expect(found.problems.map((p) => [p.caseId, p.missing])).toEqual([
      ['sub-strokecase0003', ['adc']],
      ['sub-strokecase0004', ['FLAIR', 'msk']],
    ]);
  });

  it('fails with every problem listed under policy fail', async () => {
    const attempt = discoverDataset(root, { policy: 'fail', requireFlair: true });
    await expect(attempt).rejects.toThrow(DatasetLayoutError);
    await expect(attempt).rejects.toThrow(
      /2 case\(s\) cannot be used:\n.*sub-strokecase0003.*\n.*sub-strokecase0004: no \*_FLAIR/,
    );
  });

  it('flags two files of one modality instead of picking one', async () => {
    const extra = path.join(root, 'rawdata', 'sub-strokecase0001', 'ses-0001', 'sub-strokecase0001_run-2_dwi.nii.gz');
    await touch(extra);
    const found = await discoverDataset(root, { policy: 'skip' });
    expect(found.problems[0].message).toMatch(/sub-strokecase0001: several dwi files/);
    await fs.rm(extra);
  });

  it('rejects a folder without rawdata/', async () => {
    await expect(discoverDataset(os.tmpdir() + '/no-such-isles-root', { policy: 'skip' })).rejects.toThrow(
      /no rawdata\/ folder/,
    );
  });
});
