import {
  commonTrainingPatch,
  isTrainingPatchMetric,
  recordedTrainingPatch,
  trainingPatchMetrics,
} from './training-patch';

describe('the training patch recorded with a model', () => {
  it('travels as three metrics and reads back as the same patch', () => {
    const metrics = trainingPatchMetrics([32, 48, 40]);
    expect(metrics).toEqual({ trainPatchD: 32, trainPatchH: 48, trainPatchW: 40 });
    expect(recordedTrainingPatch({ ...metrics, valDice: 0.5 })).toEqual([32, 48, 40]);
    expect(Object.keys(metrics).every(isTrainingPatchMetric)).toBe(true);
    expect(isTrainingPatchMetric('valDice')).toBe(false);
  });

  it('is not recorded when a metric is missing or no whole voxel count (a mean of mixed patches)', () => {
    expect(recordedTrainingPatch({})).toBeNull();
    expect(recordedTrainingPatch({ trainPatchD: 32, trainPatchH: 48 })).toBeNull();
    expect(recordedTrainingPatch({ trainPatchD: 40, trainPatchH: 48, trainPatchW: 56.5 })).toBeNull();
    expect(recordedTrainingPatch({ trainPatchD: 0, trainPatchH: 48, trainPatchW: 48 })).toBeNull();
  });

  it('is common to a round only when every update reports the same patch', () => {
    const a = trainingPatchMetrics([32, 48, 48]);
    expect(commonTrainingPatch([a, { ...a, valDice: 0.7 }])).toEqual([32, 48, 48]);
    expect(commonTrainingPatch([a, trainingPatchMetrics([48, 48, 48])])).toBeNull();
    expect(commonTrainingPatch([a, { valDice: 0.7 }])).toBeNull();
    expect(commonTrainingPatch([])).toBeNull();
  });
});
