import type { GridShape } from './grid';

/** Test helper: a Uint8Array mask of `shape` with the listed (i, j, k) voxels set to 1. */
export function maskOf(shape: GridShape, voxels: ReadonlyArray<readonly [number, number, number]>): Uint8Array {
  const [nx, ny] = shape;
  const mask = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (const [i, j, k] of voxels) mask[i + nx * (j + ny * k)] = 1;
  return mask;
}

/** Test helper: every voxel of the box [i0, i1) × [j0, j1) × [k0, k1). */
export function box(
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  k0: number,
  k1: number,
): Array<[number, number, number]> {
  const voxels: Array<[number, number, number]> = [];
  for (let k = k0; k < k1; k++) for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) voxels.push([i, j, k]);
  return voxels;
}
