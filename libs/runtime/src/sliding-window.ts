/**
 * Whole-volume inference with a network trained on patches: windows that overlap (default 50%), Gaussian-weighted
 * blending of their predictions (nnU-Net), optional mirror test-time augmentation (all 8 flip combinations of
 * D, H, W, averaged), on any volume size. The volume is zero-padded symmetrically, virtually (no padded copy), to a
 * multiple of the network's spatial multiple and to at least the window; only voxels inside the volume are kept.
 */
import { InputShapeError } from './errors';
import { gaussianProfile, windowStarts } from './gaussian';
import { checkLength, type Tensor5D } from './input-shape';

/** Anything that maps a batch of windows [B, C, d, h, w] to probabilities [B, 1, d, h, w]. */
export interface PatchPredictor {
  readonly manifest: { spatialMultiple: number; config: { name: string; inChannels: number } };
  infer(image: Tensor5D): Promise<Float32Array>;
}

export interface SlidingWindowOptions {
  /** Window [D, H, W] (or one edge for a cube); rounded up to the spatial multiple. */
  window: number | readonly [number, number, number];
  /** Fraction of the window shared by neighbours, in [0, 1). Default 0.5. */
  overlap?: number;
  /** Mirror TTA: average the 8 flip combinations. Default false. */
  tta?: boolean;
  /** Windows per ORT run. Default 1 (the largest memory saving; raise it on a GPU). */
  batchSize?: number;
  /** Gaussian σ as a fraction of the window. Default 1/8. */
  sigmaScale?: number;
  /** Called after each batch with (done, total) windows, for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

const roundUp = (value: number, multiple: number): number => Math.ceil(value / multiple) * multiple;

/** Where the windows over a volume go: the window rounded up to the spatial multiple, the padded volume, the starts. */
export interface WindowPlan {
  window: number[];
  padded: number[];
  starts: number[][];
  /** Network runs the volume costs: windows × 8 with TTA. */
  runs: number;
}

/** The windows `slidingWindowInference` runs over a volume of spatial `dims` [D, H, W]; checks the options. */
export function planWindows(
  dims: readonly number[],
  options: Pick<SlidingWindowOptions, 'window' | 'overlap' | 'tta'>,
  multiple: number,
): WindowPlan {
  const overlap = options.overlap ?? 0.5;
  if (!(overlap >= 0 && overlap < 1)) throw new InputShapeError(`overlap must be in [0, 1), got ${overlap}`);
  const requested =
    typeof options.window === 'number' ? [options.window, options.window, options.window] : [...options.window];
  if (requested.length !== 3 || !requested.every((w) => Number.isSafeInteger(w) && w > 0)) {
    throw new InputShapeError(`window must be one or three positive integers, got ${JSON.stringify(options.window)}`);
  }
  const window = requested.map((w) => roundUp(w, multiple));
  const padded = dims.map((d, a) => Math.max(roundUp(d, multiple), window[a]));
  const starts = padded.map((p, a) => windowStarts(p, window[a], overlap));
  const runs = starts.reduce((product, axis) => product * axis.length, 1) * (options.tta ? 8 : 1);
  return { window, padded, starts, runs };
}

/** Probabilities [N, 1, D, H, W] (x fastest) on the volume's own grid, for an image [N, C, D, H, W] of any size. */
export async function slidingWindowInference(
  predictor: PatchPredictor,
  image: Tensor5D,
  options: SlidingWindowOptions,
): Promise<Float32Array> {
  const { spatialMultiple: multiple, config } = predictor.manifest;
  const [n, channels, ...dims] = image.shape;
  if (
    image.shape.length !== 5 ||
    channels !== config.inChannels ||
    !image.shape.every((d) => Number.isSafeInteger(d) && d > 0)
  ) {
    throw new InputShapeError(
      `image has shape [${image.shape.join(', ')}], model "${config.name}" expects [N, ${config.inChannels}, D, H, W]`,
    );
  }
  checkLength(image, 'image');
  const { window, padded, starts } = planWindows(dims, options, multiple);
  const padBefore = padded.map((p, a) => Math.floor((p - dims[a]) / 2));
  const profiles = window.map((w) => gaussianProfile(w, options.sigmaScale));
  const flips = options.tta ? [0, 1, 2, 3, 4, 5, 6, 7] : [0];
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1));

  const positions: Array<[number, number, number]> = [];
  for (const z of starts[0]) for (const y of starts[1]) for (const x of starts[2]) positions.push([z, y, x]);
  const jobs = flips.flatMap((flip) => positions.map((position) => ({ flip, position })));

  const voxels = dims[0] * dims[1] * dims[2];
  const windowVoxels = window[0] * window[1] * window[2];
  const result = new Float32Array(n * voxels);
  const batch = new Float32Array(batchSize * channels * windowVoxels);
  for (let sample = 0; sample < n; sample++) {
    const volume = image.data.subarray(sample * channels * voxels, (sample + 1) * channels * voxels);
    const sum = result.subarray(sample * voxels, (sample + 1) * voxels);
    const weight = new Float32Array(voxels);
    for (let first = 0; first < jobs.length; first += batchSize) {
      const group = jobs.slice(first, first + batchSize);
      const maps = group.map((job) => indexMaps(job.position, job.flip, window, padBefore, dims));
      group.forEach((_, b) => gather(volume, channels, dims, maps[b], batch.subarray(b * channels * windowVoxels)));
      const prob = await predictor.infer({
        data: group.length === batchSize ? batch : batch.subarray(0, group.length * channels * windowVoxels),
        shape: [group.length, channels, ...window],
      });
      group.forEach((_, b) =>
        scatter(prob.subarray(b * windowVoxels, (b + 1) * windowVoxels), maps[b], profiles, dims, sum, weight),
      );
      options.onProgress?.(Math.min(first + batchSize, jobs.length) + sample * jobs.length, n * jobs.length);
    }
    for (let i = 0; i < voxels; i++) sum[i] /= weight[i];
  }
  return result;
}

/** Per axis, for each window coordinate: the volume coordinate it reads (−1 when in the padding). Flips reverse it. */
function indexMaps(
  position: readonly number[],
  flip: number,
  window: readonly number[],
  padBefore: readonly number[],
  dims: readonly number[],
): Int32Array[] {
  return window.map((w, axis) => {
    const flipped = (flip >> axis) & 1;
    const map = new Int32Array(w);
    for (let k = 0; k < w; k++) {
      const source = position[axis] + (flipped ? w - 1 - k : k) - padBefore[axis];
      map[k] = source >= 0 && source < dims[axis] ? source : -1;
    }
    return map;
  });
}

function gather(
  volume: Float32Array,
  channels: number,
  dims: readonly number[],
  maps: Int32Array[],
  out: Float32Array,
): void {
  const [mz, my, mx] = maps;
  const plane = dims[1] * dims[2];
  const voxels = dims[0] * plane;
  let o = 0;
  for (let c = 0; c < channels; c++) {
    const base = c * voxels;
    for (let z = 0; z < mz.length; z++) {
      for (let y = 0; y < my.length; y++) {
        const row = mz[z] < 0 || my[y] < 0 ? -1 : base + mz[z] * plane + my[y] * dims[2];
        for (let x = 0; x < mx.length; x++) out[o++] = row < 0 || mx[x] < 0 ? 0 : volume[row + mx[x]];
      }
    }
  }
}

function scatter(
  prob: Float32Array,
  maps: Int32Array[],
  profiles: Float32Array[],
  dims: readonly number[],
  sum: Float32Array,
  weight: Float32Array,
): void {
  const [mz, my, mx] = maps;
  const [gz, gy, gx] = profiles;
  const plane = dims[1] * dims[2];
  let p = 0;
  for (let z = 0; z < mz.length; z++) {
    for (let y = 0; y < my.length; y++, p += mx.length) {
      if (mz[z] < 0 || my[y] < 0) continue;
      const row = mz[z] * plane + my[y] * dims[2];
      // The profiles are symmetric, so a flipped window index k and its mirror w − 1 − k carry the same weight.
      const gzy = gz[z] * gy[y];
      for (let x = 0; x < mx.length; x++) {
        if (mx[x] < 0) continue;
        const g = gzy * gx[x];
        sum[row + mx[x]] += g * prob[p + x];
        weight[row + mx[x]] += g;
      }
    }
  }
}
