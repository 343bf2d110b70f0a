import { ConflictException, GoneException, NotFoundException } from '@nestjs/common';
import { JobInputs } from './job-inputs.service';
import type { InferenceJobRecord } from './persistence/inference-records';
import { type ResolvedSource, StudySourceError, type StudySources } from './study-sources';

const SHA = 'a'.repeat(64);
const job = (inputs: InferenceJobRecord['inputs']) => ({ id: 'j1', inputs }) as InferenceJobRecord;

/** StudySources answering with `answer` and recording what it was asked. */
function sources(answer: ResolvedSource | Error) {
  const asked: unknown[] = [];
  const fake = {
    resolve: async (role: string, input: unknown) => {
      asked.push([role, input]);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as StudySources;
  return { fake, asked };
}

describe('JobInputs', () => {
  it('resolves an upload or a path input the way the job named it, while its sha256 still matches', async () => {
    const { fake, asked } = sources({ path: '/data/u1.nii', label: 'upload u1', source: 'upload:u1', sha256: SHA });
    const inputs = new JobInputs(fake);
    expect(await inputs.file(job({ dwi: { source: 'upload:u1', sha256: SHA } }), 'dwi')).toBe('/data/u1.nii');
    await inputs.file(job({ dwi: { source: 'path:case:1/dwi.nii.gz', sha256: SHA } }), 'dwi');
    expect(asked).toEqual([
      ['DWI', { uploadId: 'u1' }],
      ['DWI', { path: 'case:1/dwi.nii.gz' }],
    ]);
  });

  it('refuses a file that changed since the job read it (409), one that is gone (410), and a missing input (404)', async () => {
    const changed = new JobInputs(sources({ path: '/p', label: 'p', source: 'path:p', sha256: 'b'.repeat(64) }).fake);
    const input = job({ dwi: { source: 'path:p', sha256: SHA } });
    await expect(changed.file(input, 'dwi')).rejects.toThrow(ConflictException);
    await expect(changed.file(input, 'dwi')).rejects.toThrow(/changed after the job ran/);
    const gone = new JobInputs(sources(new StudySourceError('UPLOAD_NOT_FOUND', 'DWI: upload u1 has expired')).fake);
    await expect(gone.file(job({ dwi: { source: 'upload:u1', sha256: SHA } }), 'dwi')).rejects.toThrow(GoneException);
    await expect(changed.file(job({ dwi: { source: 'path:p', sha256: SHA } }), 'flair')).rejects.toThrow(
      NotFoundException,
    );
  });
});
