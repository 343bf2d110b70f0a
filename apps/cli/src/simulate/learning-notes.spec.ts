import type { ApproachResult } from '@fedstroke/report';
import { summarizeCases } from '@fedstroke/metrics';
import { learningNotes } from './learning-notes';

const row = (dice: number, lesionF1: number, ald: number) => ({
  dice,
  lesionF1,
  ald,
  avdMl: 0,
  gtVolumeMl: 1,
  predVolumeMl: 1,
});
const set = (...rows: ReturnType<typeof row>[]) => ({ cases: [], summary: summarizeCases(rows) });

describe('learningNotes', () => {
  it('states the chosen detection settings with the test figures before and after, and the personalised models', () => {
    const federated = {
      name: 'federated',
      test: set(row(0.8, 0.75, 1), row(0.6, 0.65, 3)),
      validation: { perSite: [{ site: 'center-1', ...set(row(0.7, 1, 0)) }], pooled: set(row(0.7, 1, 0)) },
      detection: {
        threshold: 0.6,
        minLesionVoxels: 20,
        chosenOn: 'the sites',
        defaultsTest: summarizeCases([row(0.7, 0.5, 6)]),
      },
      personalised: [{ site: 'center-1', ...set(row(0.74, 1, 0)) }],
    } as unknown as ApproachResult;
    expect(learningNotes([federated])).toEqual([
      'federated: threshold 0.6, lesions ≥ 20 voxels (chosen on the sites); test Dice 0.700 (0.700 at 0.5 / none), lesion F1 0.700 (0.500), ALD 2.00 (6.00)',
      'federated, center-1: personalised model (own InstanceNorm parameters) validation Dice 0.740, the global model 0.700',
    ]);
    expect(learningNotes([{ ...federated, detection: undefined, personalised: undefined }])).toEqual([]);
  });
});
