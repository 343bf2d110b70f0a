import { Random } from '@fedstroke/common';
import { borderWidths, BrainModel, Tissue, TISSUE_SLOTS } from './anatomy';
import { BlobField, drawBlob } from './blob-field';

describe('partial-volume borders', () => {
  it('widen a blob border for a voxel footprint while its 0.5 level, the mask surface, stays put', () => {
    const field = new BlobField([drawBlob(new Random(2), [0, 0, 0], [5, 5, 5], 0.3, 0)]);
    const seen = field.withFootprint(2.7);
    // On the surface both are 0.5; a millimetre inside, the sharp field is near 1 and the voxel's view is not.
    const along = (f: BlobField, r: number) => f.value(r, 0, 0);
    const surface = [...Array(101).keys()].map((n) => 4 + n * 0.02).find((r) => along(field, r) < 0.5) as number;
    expect(along(seen, surface)).toBeCloseTo(0.5, 1);
    expect(along(field, surface - 1)).toBeGreaterThan(0.95);
    expect(along(seen, surface - 1)).toBeLessThan(0.92);
    expect(along(seen, surface - 1)).toBeGreaterThan(0.5);
  });

  it('widen tissue ramps as the variances of a ramp and a box add, keeping the brain mask where it was', () => {
    expect(borderWidths(0)).toEqual({ w10: 1, w12: 1.2, w15: 1.5 });
    expect(borderWidths(2).w15).toBeCloseTo(2.5, 12);
    const brain = new BrainModel(new Random(4), [69, 69, 49]);
    const tissue = new Float64Array(TISSUE_SLOTS);
    const fractionAt = (x: number, edges = borderWidths(0)) => {
      brain.sample(x, 0, 20, tissue, edges);
      return tissue[Tissue.Brain];
    };
    let edge = 0;
    while (brain.depth(edge + 0.05, 0, 20) > 0) edge += 0.05;
    expect(fractionAt(edge)).toBeCloseTo(0.5, 1);
    expect(fractionAt(edge, borderWidths(3))).toBeCloseTo(0.5, 1);
    // 1 mm inside: solid brain for a point, partial for a 3 mm voxel.
    expect(fractionAt(edge - 1)).toBe(1);
    expect(fractionAt(edge - 1, borderWidths(3))).toBeLessThan(0.9);
  });
});
