import { InvalidArgumentError } from '@fedstroke/common';
import type { GridShape } from './grid';
import { lesionFigures } from './lesion-figures';
import { box, maskOf } from './test-masks';

const shape: GridShape = [10, 8, 6];
// 2 × 3 × 4 mm voxels with an origin at (-10, 20, 5) mm and the i axis flipped (as in LAS-stored files).
const affine = Float64Array.of(-2, 0, 0, -10, 0, 3, 0, 20, 0, 0, 4, 5, 0, 0, 0, 1);

describe('lesionFigures', () => {
  it('lists lesions largest first with voxel and world centroids and volumes from the affine', () => {
    const small = box(8, 10, 6, 8, 5, 6); // 4 voxels, centroid (8.5, 6.5, 5)
    const large = box(0, 3, 0, 2, 0, 2); // 12 voxels, centroid (1, 0.5, 0.5)
    const figures = lesionFigures(maskOf(shape, [...small, ...large]), shape, affine);
    expect(figures.voxelVolumeSource).toBe('affine');
    expect(figures.voxelVolumeMl).toBeCloseTo(0.024, 12);
    expect(figures.count).toBe(2);
    expect(figures.totalVoxels).toBe(16);
    expect(figures.totalVolumeMl).toBeCloseTo(16 * 0.024, 12);
    const [first, second] = figures.lesions;
    expect(first).toMatchObject({ label: 1, voxels: 12, centroidVoxel: [1, 0.5, 0.5] });
    expect(first.volumeMl).toBeCloseTo(0.288, 12);
    expect(first.centroidWorldMm).toEqual([-12, 21.5, 7]);
    expect(second).toMatchObject({ label: 2, voxels: 4, centroidVoxel: [8.5, 6.5, 5] });
    expect(second.centroidWorldMm).toEqual([-27, 39.5, 25]);
  });

  it('takes the voxel volume from the spacing when given, and says when it had to assume 1 mm³', () => {
    const mask = maskOf(shape, box(0, 2, 0, 1, 0, 1));
    expect(lesionFigures(mask, shape, undefined, [0.5, 0.5, 2]).totalVolumeMl).toBeCloseTo(0.001, 12);
    const assumed = lesionFigures(mask, shape);
    expect(assumed).toMatchObject({ voxelVolumeSource: 'assumed-1mm', voxelVolumeMl: 0.001, count: 1 });
    expect(assumed.lesions[0].centroidWorldMm).toBeUndefined();
  });

  it('reports no lesions on an empty mask and rejects a malformed affine', () => {
    expect(lesionFigures(new Uint8Array(480), shape, affine)).toMatchObject({
      lesions: [],
      count: 0,
      totalVolumeMl: 0,
    });
    expect(() => lesionFigures(new Uint8Array(480), shape, new Float64Array(9))).toThrow(InvalidArgumentError);
  });
});
