import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASELINE_JOB_FORMAT,
  parseBaselineJob,
  readBaselineJob,
  writeBaselineJob,
  type BaselineJob,
} from './baseline-job';

const JOB: BaselineJob = {
  format: BASELINE_JOB_FORMAT,
  dataDir: '/data/synth',
  cases: {
    train: ['sub-1', 'sub-2'],
    curveVal: ['sub-3'],
    sites: [
      { name: 'center-1', val: ['sub-3'] },
      { name: 'center-2', val: [] },
    ],
    test: ['sub-4'],
  },
  spec: {
    name: 'local-only center-1',
    kind: 'local-only',
    site: 'center-1',
    slug: 'local-center-1',
    steps: 6,
    valEvery: 3,
  },
  settings: {
    artifactsDir: '/models/tiny',
    batchSize: 1,
    patchSize: [16, 24, 24],
    learningRate: 0.01,
    warmupSteps: 0,
    seed: 0,
    threads: 1,
    runDir: '/runs/r1',
  },
};

/** The job with one field replaced (`path` is dot-separated). */
function withField(path: string, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(JOB)) as Record<string, Record<string, unknown>>;
  const [head, tail] = path.split('.');
  if (tail === undefined) (copy as Record<string, unknown>)[head] = value;
  else copy[head][tail] = value;
  return copy;
}

describe('baseline job files', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'fedstroke-baseline-job-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through an atomic write, leaving no temporary file', async () => {
    const file = join(dir, 'jobs', 'local.job.json');
    await writeBaselineJob(file, JOB);
    expect(await readBaselineJob(file)).toEqual(JOB);
    expect(readdirSync(join(dir, 'jobs'))).toEqual(['local.job.json']);
  });

  it('names the file when it cannot be read or is not JSON', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"format":');
    await expect(readBaselineJob(file)).rejects.toThrow(`baseline job ${file}: not valid JSON`);
    await expect(readBaselineJob(join(dir, 'absent.json'))).rejects.toThrow(
      `baseline job ${join(dir, 'absent.json')}: cannot read it (ENOENT`,
    );
  });

  it('names the file, the field, the constraint and the value it got', () => {
    const cases: Array<[string, unknown, string]> = [
      [
        'format',
        'fedstroke-baseline-job/0',
        '"format" is "fedstroke-baseline-job/0", expected "fedstroke-baseline-job/1"',
      ],
      ['dataDir', 3, 'dataDir must be a non-empty string (got 3)'],
      ['cases.train', [], 'cases.train must be an array of at least 1 entry (got [])'],
      ['cases.test', ['sub-4', 7], 'cases.test[1] must be a case id string (got 7)'],
      ['cases.sites', [{ name: 'c', val: 'sub-3' }], 'cases.sites[0].val must be an array (got "sub-3")'],
      ['spec.kind', 'federated', 'spec.kind must be "centralized" or "local-only" (got "federated")'],
      ['spec.slug', 'local/../x', 'spec.slug must be letters, digits, ".", "_" or "-" only'],
      ['spec.steps', 0, 'spec.steps must be an integer ≥ 1 (got 0)'],
      ['spec.valEvery', undefined, 'spec.valEvery must be an integer ≥ 0 (got nothing)'],
      ['settings.patchSize', [16, 24], 'settings.patchSize must be an array of at least 3 entries (got [16,24])'],
      ['settings.patchSize', [16, 24, 2.5], 'settings.patchSize must be three integers ≥ 1 ([D, H, W])'],
      ['settings.learningRate', -1, 'settings.learningRate must be a number > 0 (got -1)'],
      ['settings.threads', '2', 'settings.threads must be an integer ≥ 1 (got "2")'],
      ['settings', null, 'settings must be an object (got null)'],
    ];
    for (const [path, value, message] of cases)
      expect(() => parseBaselineJob(withField(path, value), 'runs/r1/baselines/x.job.json')).toThrow(
        `baseline job runs/r1/baselines/x.job.json: ${message}`,
      );
  });

  it('leaves out a site that is not given (centralized)', () => {
    const centralized = {
      ...JOB,
      spec: { name: 'centralized', kind: 'centralized', slug: 'centralized', steps: 18, valEvery: 9 },
    };
    expect(parseBaselineJob(centralized, 'c.json').spec).toEqual(centralized.spec);
    expect(parseBaselineJob(centralized, 'c.json').spec).not.toHaveProperty('site');
  });
});
