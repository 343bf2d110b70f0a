import type { Vec3 } from '@fedstroke/nifti';
import { PREDICTION_COLOR } from '@fedstroke/report';
import { PNG } from 'pngjs';
import { ARTEFACT_REGION_COLOR, artefactOverlayPng, artefactSlices } from './artefact-overlay';

const shape: Vec3 = [20, 10, 8];
const at = (i: number, j: number, k: number) => i + 20 * (j + 10 * k);

/** A slab of tissue whose DWI rises with i, so the grey window has something to spread. */
function volume(): Float32Array {
  const dwi = new Float32Array(20 * 10 * 8);
  for (let k = 0; k < 8; k++) for (let j = 0; j < 10; j++) for (let i = 0; i < 20; i++) dwi[at(i, j, k)] = 50 + i;
  return dwi;
}

function box(i0: number, j0: number, k: number, size: number): Uint8Array {
  const mask = new Uint8Array(20 * 10 * 8);
  for (let j = j0; j < j0 + size; j++) for (let i = i0; i < i0 + size; i++) mask[at(i, j, k)] = 1;
  return mask;
}

const colourAt = (png: PNG, x: number, y: number) => {
  const o = (y * png.width + x) * 4;
  return [png.data[o], png.data[o + 1], png.data[o + 2]];
};

describe('artefactOverlayPng', () => {
  const region = { voxels: 16, volumeMl: 0.1, centroid: [3.5, 3.5, 2] as Vec3, dwiRatio: 3, adc: 1 };

  it('shows one panel per region slice, the middle slice without any', () => {
    expect(artefactSlices({ regions: [region, { ...region, centroid: [9, 3, 5.2] }, region] }, 8)).toEqual([2, 5]);
    expect(artefactSlices({ regions: [] }, 8)).toEqual([4]);
  });

  it('outlines the region in amber and the prediction in red, on the region’s slice', () => {
    const mask = box(2, 2, 2, 4);
    const prediction = box(12, 2, 2, 4);
    const png = PNG.sync.read(
      artefactOverlayPng({ data: volume(), shape }, { regions: [region], mask }, prediction, 2),
    );
    expect([png.width, png.height]).toEqual([40, 20]);
    // Image row 0 is drawn at the bottom (RAS: +y up): voxel row j sits at PNG rows (9 − j)·2 and (9 − j)·2 + 1.
    const row = (j: number) => (9 - j) * 2;
    expect(colourAt(png, 2 * 2, row(2))).toEqual([...ARTEFACT_REGION_COLOR]);
    expect(colourAt(png, 12 * 2, row(2))).toEqual([...PREDICTION_COLOR]);
    const interior = colourAt(png, 8 * 2, row(6));
    expect(interior[0]).toBe(interior[1]);
    expect(interior[1]).toBe(interior[2]);
  });

  it('refuses a prediction that is not on the DWI grid, naming both sizes', () => {
    expect(() =>
      artefactOverlayPng({ data: volume(), shape }, { regions: [region], mask: box(2, 2, 2, 4) }, new Uint8Array(7)),
    ).toThrow(/prediction \(7\) must be on the DWI's grid of 20×10×8 = 1600 voxels/);
  });
});
