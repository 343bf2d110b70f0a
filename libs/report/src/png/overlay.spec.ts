import { PNG } from 'pngjs';
import { GROUND_TRUTH_COLOR, maskContour, PREDICTION_COLOR, renderOverlayPng } from './overlay';
import { axialSlice, mostInformativeSlice } from './slices';

/** A width × height mask with the rectangle [x0, x1) × [y0, y1) set. */
function rectangle(width: number, height: number, x0: number, x1: number, y0: number, y1: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) mask[y * width + x] = 1;
  return mask;
}

describe('maskContour', () => {
  it('marks exactly the boundary ring of a filled rectangle', () => {
    const contour = maskContour(rectangle(8, 8, 2, 6, 1, 5), 8, 8);
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const inside = x >= 2 && x < 6 && y >= 1 && y < 5;
        const ring = inside && (x === 2 || x === 5 || y === 1 || y === 4);
        expect([x, y, contour[y * 8 + x]]).toEqual([x, y, ring ? 1 : 0]);
      }
  });

  it('treats the image border as outside', () => {
    expect(Array.from(maskContour(new Uint8Array(9).fill(1), 3, 3))).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1]);
  });
});

describe('renderOverlayPng', () => {
  const width = 10;
  const height = 6;
  const image = Float32Array.from({ length: width * height }, (_, i) => i % width);

  it('decodes to (width·scale) × (height·scale) pixels', () => {
    const png = PNG.sync.read(renderOverlayPng({ image, width, height, layers: [], scale: 3 }));
    expect([png.width, png.height]).toEqual([30, 18]);
  });

  it('colours contour pixels where the mask boundary is and leaves the rest grey', () => {
    const gt = rectangle(width, height, 2, 5, 1, 4);
    const pred = rectangle(width, height, 6, 9, 2, 5);
    const png = PNG.sync.read(
      renderOverlayPng({
        image,
        width,
        height,
        layers: [
          { mask: gt, color: GROUND_TRUTH_COLOR },
          { mask: pred, color: PREDICTION_COLOR },
        ],
        scale: 1,
        flipY: false,
      }),
    );
    const gtRing = maskContour(gt, width, height);
    const predRing = maskContour(pred, width, height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const at = (y * width + x) * 4;
        const rgb = [png.data[at], png.data[at + 1], png.data[at + 2]];
        if (predRing[y * width + x]) expect(rgb).toEqual([...PREDICTION_COLOR]);
        else if (gtRing[y * width + x]) expect(rgb).toEqual([...GROUND_TRUTH_COLOR]);
        else expect(rgb[0] === rgb[1] && rgb[1] === rgb[2]).toBe(true);
      }
    // The interior pixel of the 3×3 ground-truth square stays grey.
    const centre = (2 * width + 3) * 4;
    expect(png.data[centre]).toBe(png.data[centre + 1]);
  });

  it('puts image row 0 at the bottom when flipY is on', () => {
    const mask = rectangle(width, height, 0, width, 0, 1);
    const png = PNG.sync.read(
      renderOverlayPng({ image, width, height, layers: [{ mask, color: PREDICTION_COLOR }], scale: 1 }),
    );
    const bottom = ((height - 1) * width + 4) * 4;
    expect([png.data[bottom], png.data[bottom + 1], png.data[bottom + 2]]).toEqual([...PREDICTION_COLOR]);
    expect(png.data[4 * 4]).toBe(png.data[4 * 4 + 1]);
  });
});

describe('slices', () => {
  it('cuts the z-th H×W plane and picks the slice with the most lesion voxels', () => {
    const dims = [3, 2, 2] as const;
    const label = new Uint8Array(12);
    label[4] = label[5] = label[9] = 1;
    expect(mostInformativeSlice(label, null, dims)).toBe(1);
    expect(
      Array.from(
        axialSlice(
          Float32Array.from({ length: 12 }, (_, i) => i),
          dims,
          2,
        ),
      ),
    ).toEqual([8, 9, 10, 11]);
  });

  it('falls back to the prediction, then to the middle slice, when there is no lesion', () => {
    const dims = [4, 1, 1] as const;
    const none = new Uint8Array(4);
    expect(mostInformativeSlice(none, Uint8Array.from([0, 0, 0, 1]), dims)).toBe(3);
    expect(mostInformativeSlice(none, none, dims)).toBe(2);
  });
});
