import { networkInput, tensorDims, volumeShape } from '../loading/tensor-layout';
import { CropToBrain } from './crop-to-brain';
import {
  buildPreprocessing,
  defaultPreprocessing,
  describePreprocessing,
  PREPROCESSING_FORMAT,
  preprocessingOf,
  PreprocessingSpecError,
} from './preprocessing-spec';
import { ZScoreWithinBrain } from './zscore-within-brain';

const manifest = (preprocessing?: unknown, inChannels = 2) => ({
  config: { name: 'tiny', inChannels },
  ...(preprocessing === undefined ? {} : { preprocessing }),
});

describe('the preprocessing a manifest records', () => {
  it('is the default pipeline, built as the classes that run it', () => {
    const spec = defaultPreprocessing(3);
    expect(describePreprocessing(spec)).toBe('dwi, adc, flair; crop-to-brain (margin 2 voxels), zscore-within-brain');
    const steps = buildPreprocessing(spec);
    expect(steps[0]).toBeInstanceOf(CropToBrain);
    expect((steps[0] as CropToBrain).marginVoxels).toBe(2);
    expect(steps[1]).toBeInstanceOf(ZScoreWithinBrain);
    expect(preprocessingOf(manifest(spec, 3), 'm.json')).toEqual({ spec, recorded: true });
  });

  it('is taken as the default, flagged as not recorded, when an older manifest has none', () => {
    expect(preprocessingOf(manifest(), 'm.json')).toEqual({ spec: defaultPreprocessing(2), recorded: false });
  });

  it('reproduces another margin exactly, and refuses steps, formats and channels it cannot apply', () => {
    const margin4 = { ...defaultPreprocessing(2), steps: [{ name: 'crop-to-brain', marginVoxels: 4 }] };
    expect(preprocessingOf(manifest(margin4), 'm.json').spec.steps).toEqual([
      { name: 'crop-to-brain', marginVoxels: 4 },
    ]);
    const refusals: Array<[unknown, number, RegExp]> = [
      [
        { ...defaultPreprocessing(2), steps: [{ name: 'histogram-match' }] },
        2,
        /m\.json: preprocessing step 0 is \{"name":"histogram-match"\}, which this version cannot apply \(known steps: crop-to-brain \(marginVoxels\), zscore-within-brain\)/,
      ],
      [
        { ...defaultPreprocessing(2), format: 'fedstroke-preprocessing/2' },
        2,
        /format "fedstroke-preprocessing\/2" is not one this version reads/,
      ],
      [defaultPreprocessing(2), 3, /channels \["dwi","adc"\] do not fit model "tiny" with 3 inputs/],
      [
        {
          format: PREPROCESSING_FORMAT,
          channels: ['dwi', 'adc'],
          steps: [{ name: 'crop-to-brain', marginVoxels: -1 }],
        },
        2,
        /marginVoxels -1/,
      ],
    ];
    for (const [value, inChannels, message] of refusals) {
      expect(() => preprocessingOf(manifest(value, inChannels), 'm.json')).toThrow(PreprocessingSpecError);
      expect(() => preprocessingOf(manifest(value, inChannels), 'm.json')).toThrow(message);
    }
  });
});

describe('the volume / tensor boundary', () => {
  it('names [nx, ny, nz] as [D, H, W] = [nz, ny, nx] and back', () => {
    expect(tensorDims([5, 4, 3])).toEqual([3, 4, 5]);
    expect(volumeShape(tensorDims([5, 4, 3]))).toEqual([5, 4, 3]);
  });

  it('uses stacked channels as the input without a copy, and copies loose ones', () => {
    const stacked = new Float32Array(2 * 60).map((_, i) => i);
    const views = [stacked.subarray(0, 60), stacked.subarray(60)];
    const input = networkInput(views, [5, 4, 3]);
    expect(input.shape).toEqual([1, 2, 3, 4, 5]);
    expect(input.data.buffer).toBe(stacked.buffer);
    const loose = networkInput([Float32Array.from(views[0]), Float32Array.from(views[1])], [5, 4, 3]);
    expect(loose.data.buffer).not.toBe(stacked.buffer);
    expect(loose.data).toEqual(stacked);
  });
});
