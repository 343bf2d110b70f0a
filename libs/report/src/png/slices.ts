/**
 * Picking and cutting the axial slice an overlay shows. Volumes are tensors [D, H, W] with W fastest (x fastest,
 * the layout every lib uses), so slice z is the contiguous run [z·H·W, (z+1)·H·W).
 */

export type VolumeDims = readonly [depth: number, height: number, width: number];

/** The H×W plane at depth z (a copy, x fastest). */
export function axialSlice<T extends Float32Array | Uint8Array>(volume: T, dims: VolumeDims, z: number): T {
  const [d, h, w] = dims;
  if (volume.length !== d * h * w)
    throw new RangeError(`volume has ${volume.length} voxels, dims [${dims.join(', ')}] need ${d * h * w}`);
  if (!Number.isInteger(z) || z < 0 || z >= d) throw new RangeError(`slice ${z} is outside depth 0..${d - 1}`);
  return volume.slice(z * h * w, (z + 1) * h * w) as T;
}

/**
 * The slice worth showing: the one with the most ground-truth voxels; without any lesion, the one with the most
 * predicted voxels (a false positive is what there is to see); with neither, the middle slice.
 */
export function mostInformativeSlice(label: Uint8Array, prediction: Uint8Array | null, dims: VolumeDims): number {
  const [d, h, w] = dims;
  const plane = h * w;
  const busiest = (mask: Uint8Array): number => {
    let best = -1;
    let bestCount = 0;
    for (let z = 0; z < d; z++) {
      let count = 0;
      for (let i = z * plane, end = i + plane; i < end; i++) if (mask[i] !== 0) count++;
      if (count > bestCount) {
        bestCount = count;
        best = z;
      }
    }
    return best;
  };
  const fromLabel = busiest(label);
  if (fromLabel >= 0) return fromLabel;
  const fromPrediction = prediction ? busiest(prediction) : -1;
  return fromPrediction >= 0 ? fromPrediction : Math.floor(d / 2);
}
