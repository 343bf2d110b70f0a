import type { ApproachResult, CaseRow } from '../run-report';
import { sampleReport } from '../testing/report-fixture';
import { studyQuality, volumeClassOf } from './study-quality';

function row(id: string, dice: number, gtVolumeMl: number, lesionF1 = dice, ald = 0): CaseRow {
  return { id, dice, gtVolumeMl, lesionF1, ald, avdMl: 0, predVolumeMl: gtVolumeMl };
}

function withTest(base: ApproachResult, name: string, kind: ApproachResult['kind'], cases: CaseRow[]): ApproachResult {
  return { ...base, name, kind, test: { ...base.test, cases } };
}

describe('volumeClassOf', () => {
  it('puts 1 mL and 10 mL in the middle class, as "1-10 mL" reads', () => {
    expect([0, 0.999, 1, 10, 10.001].map(volumeClassOf)).toEqual(['< 1 mL', '< 1 mL', '1-10 mL', '1-10 mL', '> 10 mL']);
  });
});

describe('studyQuality', () => {
  const base = sampleReport().approaches[0];
  const centers = { a: 'center-1', b: 'center-1', c: 'center-2', d: 'center-2', e: 'center-3' };
  const federated = withTest(base, 'federated', 'federated', [
    row('a', 0.9, 0.4, 1, 0),
    row('b', 0.3, 0.8, 0.5, 2),
    row('c', 0.85, 5),
    row('d', 0.6, 12),
    row('e', 0.95, 40),
  ]);
  const local1 = withTest(base, 'local-only center-1', 'local-only', [row('a', 0.2, 0.4), row('c', 0.81, 5)]);
  const local2 = withTest(base, 'local-only center-2', 'local-only', [row('a', 0.4, 0.4), row('c', 0.5, 5)]);
  const quality = studyQuality([federated, local1, local2], centers);

  it('breaks the test Dice down by lesion-volume class with the shares above 0.8 and below 0.5', () => {
    const [small, middle, large] = quality.approaches[0].byVolume;
    expect(small).toMatchObject({ group: '< 1 mL', n: 2, shareDiceAbove08: 0.5, shareDiceBelow05: 0.5 });
    expect(small.dice?.mean).toBeCloseTo(0.6, 12);
    expect(small.lesionF1?.mean).toBeCloseTo(0.75, 12);
    expect(small.ald?.mean).toBeCloseTo(1, 12);
    expect(middle).toMatchObject({ n: 1, shareDiceAbove08: 1, shareDiceBelow05: 0 });
    expect(large.dice?.mean).toBeCloseTo(0.775, 12);
    expect(large).toMatchObject({ n: 2, shareDiceAbove08: 0.5, shareDiceBelow05: 0 });
  });

  it('breaks it down by center from the case-to-center map', () => {
    expect(quality.centers).toEqual(['center-1', 'center-2', 'center-3']);
    const byCenter = quality.approaches[0].byCenter;
    expect(byCenter.map((g) => [g.group, g.n])).toEqual([
      ['center-1', 2],
      ['center-2', 2],
      ['center-3', 1],
    ]);
    expect(byCenter[1].dice?.mean).toBeCloseTo(0.725, 12);
  });

  it('pools the local-only models into one side-by-side entry and leaves empty groups empty', () => {
    expect(quality.byKind.map((k) => [k.name, k.models, k.overall.n])).toEqual([
      ['federated', 1, 5],
      ['local-only (2 models pooled)', 2, 4],
    ]);
    const pooled = quality.byKind[1];
    expect(pooled.overall.dice?.mean).toBeCloseTo((0.2 + 0.81 + 0.4 + 0.5) / 4, 12);
    expect(pooled.overall.shareDiceAbove08).toBe(0.25);
    expect(pooled.overall.shareDiceBelow05).toBe(0.5);
    expect(pooled.byVolume[2]).toEqual({
      group: '> 10 mL',
      n: 0,
      dice: null,
      lesionF1: null,
      ald: null,
      shareDiceAbove08: null,
      shareDiceBelow05: null,
    });
    expect(pooled.byCenter[2].n).toBe(0);
  });

  it('has no center breakdown without a map, and counts unmapped cases under "unknown center"', () => {
    expect(studyQuality([federated]).centers).toEqual([]);
    expect(studyQuality([federated], { a: 'center-1' }).centers).toEqual(['center-1', 'unknown center']);
  });
});
