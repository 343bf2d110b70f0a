import {
  DETECTION_CASES_METRIC,
  detectionMetricName,
  detectionReport,
  gridCandidates,
  isDetectionMetric,
  selectDetectionSettings,
  type DetectionGrid,
} from './detection-selection';

const grid: DetectionGrid = { thresholds: [0.4, 0.5], minLesionVoxels: [0, 10] };
type Row = [number, number, number];
const report = (cases: number, rows: Record<string, Row>) =>
  detectionReport(
    gridCandidates(grid).map((candidate) => {
      const [dice, lesionF1, ald] = rows[`${candidate.threshold}/${candidate.minLesionVoxels}`];
      return { candidate, figures: { dice, lesionF1, ald } };
    }),
    cases,
  );

// Site A (2 validation cases) and site B (1 case): per-candidate means [Dice, lesion F1, ALD].
const siteA = report(2, {
  '0.4/0': [0.6, 0.5, 2],
  '0.4/10': [0.6, 0.8, 1],
  '0.5/0': [0.7, 0.5, 2],
  '0.5/10': [0.7, 0.7, 1],
});
const siteB = report(1, {
  '0.4/0': [0.5, 0.5, 3],
  '0.4/10': [0.5, 1, 0],
  '0.5/0': [0.4, 0.5, 3],
  '0.5/10': [0.4, 0.6, 1],
});

describe('selectDetectionSettings', () => {
  it('pools the sites case-weighted and picks the highest mean Dice + lesion F1 (worked out by hand)', () => {
    // Pooled Dice + F1: 0.4/0 → 0.567 + 0.5; 0.4/10 → 0.567 + 0.867; 0.5/0 → 0.6 + 0.5; 0.5/10 → 0.6 + 0.667.
    const choice = selectDetectionSettings([siteA, siteB], grid);
    expect(choice).toMatchObject({ threshold: 0.4, minLesionVoxels: 10, cases: 3, sites: 2 });
    expect(choice?.chosen.dice).toBeCloseTo(1.7 / 3, 10); // a plain mean of the two sites would say 0.55
    expect(choice?.chosen.lesionF1).toBeCloseTo(2.6 / 3, 10);
    expect(choice?.chosen.ald).toBeCloseTo(2 / 3, 10);
    expect(choice?.defaults).toEqual({ dice: expect.closeTo(0.6, 10), lesionF1: 0.5, ald: expect.closeTo(7 / 3, 10) });
  });

  it('leaves out a site whose report lacks a candidate, and says null when nobody reported', () => {
    const partial = { ...siteB };
    delete partial[detectionMetricName({ threshold: 0.5, minLesionVoxels: 10 }, 'dice')];
    expect(selectDetectionSettings([siteA, partial], grid)).toMatchObject({
      threshold: 0.5,
      minLesionVoxels: 10,
      sites: 1,
      cases: 2,
    });
    expect(selectDetectionSettings([{ trainLoss: 1 }], grid)).toBeNull();
    expect(selectDetectionSettings([], grid)).toBeNull();
  });

  it('breaks a tie toward the defaults (threshold 0.5, no minimum size)', () => {
    const flat = report(4, {
      '0.4/0': [0.7, 0.7, 1],
      '0.4/10': [0.7, 0.7, 1],
      '0.5/0': [0.7, 0.7, 1],
      '0.5/10': [0.7, 0.7, 1],
    });
    expect(selectDetectionSettings([flat], grid)).toMatchObject({ threshold: 0.5, minLesionVoxels: 0 });
  });

  it('names its metrics so that the coordinator can tell them apart, and checks the grid', () => {
    expect(detectionMetricName({ threshold: 0.45, minLesionVoxels: 20 }, 'lesionF1')).toBe('detect:t0.45:m20:lesionF1');
    expect(siteA[DETECTION_CASES_METRIC]).toBe(2);
    expect(Object.keys(siteA).every(isDetectionMetric)).toBe(true);
    expect(isDetectionMetric('valDice')).toBe(false);
    expect(Object.keys(siteA).every((name) => /^[A-Za-z0-9_.:-]{1,64}$/.test(name))).toBe(true);
    expect(() => selectDetectionSettings([], { thresholds: [1.2], minLesionVoxels: [0] })).toThrow(
      /must be in \(0, 1\)/,
    );
    expect(() => selectDetectionSettings([], { thresholds: [0.5], minLesionVoxels: [2.5] })).toThrow(
      /integer voxel count/,
    );
  });
});
