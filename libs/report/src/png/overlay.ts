/**
 * Overlay images for the report: a grey-scale MRI slice with one-pixel contours of binary masks (ground truth,
 * prediction) drawn on top, encoded as PNG with pngjs. The slice is windowed on its own 1st–99th percentile so
 * scanner scale does not matter, upscaled by an integer factor (nearest neighbour), and shown with +y up.
 */
import { PNG } from 'pngjs';

export type Rgb = readonly [number, number, number];

export interface OverlayLayer {
  /** Binary mask of the slice, width × height, x fastest. */
  mask: Uint8Array;
  color: Rgb;
}

export interface OverlayOptions {
  /** The slice, width × height, x fastest. */
  image: Float32Array;
  width: number;
  height: number;
  /** Drawn in order: a later layer's contour covers an earlier one's where they coincide. */
  layers: readonly OverlayLayer[];
  /** Integer upscaling factor (default 4). */
  scale?: number;
  /** Draw row 0 at the bottom (default true: image y grows upwards, as in RAS voxel order). */
  flipY?: boolean;
}

export const GROUND_TRUTH_COLOR: Rgb = [0, 200, 83];
export const PREDICTION_COLOR: Rgb = [230, 40, 40];

/**
 * Boundary pixels of a binary mask: foreground pixels with at least one 4-neighbour that is background or outside
 * the image. Returned as a 0/1 mask of the same size.
 */
export function maskContour(mask: Uint8Array, width: number, height: number): Uint8Array {
  if (mask.length !== width * height)
    throw new RangeError(`mask has ${mask.length} pixels, ${width}×${height} needs ${width * height}`);
  const contour = new Uint8Array(mask.length);
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] !== 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inside(x, y)) continue;
      if (!inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1)) contour[y * width + x] = 1;
    }
  }
  return contour;
}

/** Nearest-neighbour integer upscaling of a width × height plane. */
export function upscale<T extends Float32Array | Uint8Array>(
  plane: T,
  width: number,
  height: number,
  scale: number,
): T {
  const out = new (plane.constructor as { new (n: number): T })(width * scale * height * scale);
  const outWidth = width * scale;
  for (let y = 0; y < height * scale; y++) {
    const row = Math.floor(y / scale) * width;
    for (let x = 0; x < outWidth; x++) out[y * outWidth + x] = plane[row + Math.floor(x / scale)];
  }
  return out;
}

/** Grey levels 0..255 from the 1st–99th percentile window of the finite values. */
export function windowToGrey(image: Float32Array): Uint8Array {
  const finite = Array.from(image).filter((v) => Number.isFinite(v));
  const grey = new Uint8Array(image.length);
  if (finite.length === 0) return grey;
  finite.sort((a, b) => a - b);
  const lo = finite[Math.floor(0.01 * (finite.length - 1))];
  const hi = finite[Math.ceil(0.99 * (finite.length - 1))];
  const span = hi - lo || 1;
  for (let i = 0; i < image.length; i++) {
    const v = Number.isFinite(image[i]) ? (image[i] - lo) / span : 0;
    grey[i] = Math.round(255 * Math.min(1, Math.max(0, v)));
  }
  return grey;
}

/** The overlay as PNG bytes, (width·scale) × (height·scale) pixels, RGBA. */
export function renderOverlayPng(options: OverlayOptions): Buffer {
  const { width, height } = options;
  const scale = options.scale ?? 4;
  const flipY = options.flipY ?? true;
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`overlay scale ${scale}: expected an integer ≥ 1`);
  if (options.image.length !== width * height)
    throw new RangeError(`slice has ${options.image.length} pixels, ${width}×${height} needs ${width * height}`);
  const outWidth = width * scale;
  const outHeight = height * scale;
  const grey = upscale(windowToGrey(options.image), width, height, scale);
  const contours = options.layers.map((layer) => ({
    color: layer.color,
    pixels: maskContour(upscale(layer.mask, width, height, scale), outWidth, outHeight),
  }));
  const png = new PNG({ width: outWidth, height: outHeight });
  for (let y = 0; y < outHeight; y++) {
    const row = flipY ? outHeight - 1 - y : y;
    for (let x = 0; x < outWidth; x++) {
      const source = y * outWidth + x;
      const target = (row * outWidth + x) * 4;
      let rgb: Rgb = [grey[source], grey[source], grey[source]];
      for (const contour of contours) if (contour.pixels[source]) rgb = contour.color;
      png.data[target] = rgb[0];
      png.data[target + 1] = rgb[1];
      png.data[target + 2] = rgb[2];
      png.data[target + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
