import * as path from 'node:path';
import { affineInverse, applyAffine, maxAffineDifference, multiplyAffines } from './affine';
import { NiftiError } from './errors';
import { axisOrientation, fromCanonicalRAS, orientationCode, reorientToRAS } from './orientation';
import { readNifti } from './read';
import type { Affine, Vec3, Volume } from './volume';

const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures');
const DWI = path.join(FIXTURES, 'isles22-case0001/sub-strokecase0001_ses-0001_dwi.nii.gz');
const T2 = path.join(FIXTURES, 't2-chronic-lesion/T2.nii');

function valueAt(volume: Volume, [i, j, k]: Vec3): number {
  return volume.data[i + volume.shape[0] * (j + volume.shape[1] * k)];
}

/** Sampled voxels of `canonical` hold the value that `original` has at the same world position. */
function expectSameWorldContent(original: Volume, canonical: Volume) {
  const canonicalToOriginal = multiplyAffines(affineInverse(original.affine), canonical.affine);
  const [nx, ny, nz] = canonical.shape;
  const samples: Vec3[] = [
    [0, 0, 0],
    [nx - 1, 0, 0],
    [0, ny - 1, 0],
    [0, 0, nz - 1],
    [nx - 1, ny - 1, nz - 1],
    [Math.floor(nx / 2), Math.floor(ny / 3), Math.floor(nz / 4)],
  ];
  for (const ijk of samples) {
    const back = applyAffine(canonicalToOriginal, ijk);
    back.forEach((x) => expect(Math.abs(x - Math.round(x))).toBeLessThan(1e-6)); // lands on a voxel centre
    expect(valueAt(canonical, ijk)).toBe(valueAt(original, back.map(Math.round) as Vec3));
  }
}

/** A small volume whose voxel value encodes its own index, on a grid with permuted and flipped axes. */
function labelled(affine: Affine, shape: Vec3 = [5, 4, 3]): Volume {
  const data = new Float32Array(shape[0] * shape[1] * shape[2]).map((_, i) => i);
  return { data, shape, spacing: [1, 1, 1], affine, source: 'labelled' };
}

describe('orientation', () => {
  it('names the real fixtures: ISLES22 DWI is LAS, the T2 is RAS', async () => {
    const [dwi, t2] = await Promise.all([readNifti(DWI), readNifti(T2)]);
    expect(orientationCode(dwi.affine)).toBe('LAS');
    expect(orientationCode(t2.affine)).toBe('RAS');
  });

  it('reorients the real DWI to RAS with the same world content, and undoes it exactly', async () => {
    const dwi = await readNifti(DWI);
    const { volume, orientation, undo } = reorientToRAS(dwi);
    expect(orientation).toBe('LAS');
    expect(orientationCode(volume.affine)).toBe('RAS');
    expect(volume.shape).toEqual([112, 112, 73]);
    expect(volume.affine[0]).toBeGreaterThan(0); // i now runs towards the right
    expectSameWorldContent(dwi, volume);
    const back = undo(volume);
    expect(maxAffineDifference(back.affine, dwi.affine)).toBe(0);
    expect(Buffer.from(back.data.buffer).equals(Buffer.from(dwi.data.buffer))).toBe(true);
  });

  it('leaves an already-RAS volume unchanged', async () => {
    const t2 = await readNifti(T2);
    const { volume } = reorientToRAS(t2);
    expect(maxAffineDifference(volume.affine, t2.affine)).toBe(0);
    expect(Buffer.from(volume.data.buffer).equals(Buffer.from(t2.data.buffer))).toBe(true);
  });

  it('handles permuted and flipped axes (i → S, j → L, k → P) and round-trips them', () => {
    // Columns: i along +z (S), j along −x (L), k along −y (P), with spacings 2, 3, 4.
    const affine = Float64Array.from([0, -3, 0, 10, 0, 0, -4, 20, 2, 0, 0, 30, 0, 0, 0, 1]);
    const volume = labelled(affine);
    expect(axisOrientation(affine)).toEqual([
      { worldAxis: 2, flip: false },
      { worldAxis: 0, flip: true },
      { worldAxis: 1, flip: true },
    ]);
    const { volume: canonical, orientation, undo } = reorientToRAS(volume);
    expect(orientation).toBe('SLP');
    expect(canonical.shape).toEqual([4, 3, 5]);
    expect(canonical.spacing).toEqual([3, 4, 2]);
    expect(orientationCode(canonical.affine)).toBe('RAS');
    expectSameWorldContent(volume, canonical);
    const back = undo(canonical);
    expect(Array.from(back.data)).toEqual(Array.from(volume.data));
    expect(back.shape).toEqual(volume.shape);
    // The same through the explicit pair.
    expect(Array.from(fromCanonicalRAS(canonical, affine, [5, 4, 3]).data)).toEqual(Array.from(volume.data));
  });

  it('refuses to map back a volume that is not on the canonical grid', () => {
    const affine = Float64Array.from([0, -3, 0, 10, 0, 0, -4, 20, 2, 0, 0, 30, 0, 0, 0, 1]);
    const { volume: canonical } = reorientToRAS(labelled(affine));
    expect(() => fromCanonicalRAS({ ...canonical, shape: [3, 4, 5] }, affine, [5, 4, 3])).toThrow(NiftiError);
    expect(() => fromCanonicalRAS({ ...canonical, shape: [3, 4, 5] }, affine, [5, 4, 3])).toThrow(
      /expected the canonical shape 4x3x5 of the original grid 5x4x3, found 3x4x5/,
    );
  });
});
