import { Random } from '@fedstroke/common';
import { labelComponents } from './connected-components';
import { MetricsShapeMismatchError } from './errors';
import type { GridShape } from './grid';
import { box, maskOf } from './test-masks';

/** Independent reference: breadth-first flood fill over the 26 neighbours, seeded in raster order. */
function bfsLabels(mask: ArrayLike<number>, [nx, ny, nz]: GridShape): { labels: Int32Array; count: number } {
  const labels = new Int32Array(mask.length);
  let count = 0;
  const queue: number[] = [];
  for (let seed = 0; seed < mask.length; seed++) {
    if (mask[seed] === 0 || labels[seed] !== 0) continue;
    labels[seed] = ++count;
    queue.length = 0;
    queue.push(seed);
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head];
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      for (let dk = -1; dk <= 1; dk++)
        for (let dj = -1; dj <= 1; dj++)
          for (let di = -1; di <= 1; di++) {
            const [a, b, c] = [i + di, j + dj, k + dk];
            if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
            const n = a + nx * (b + ny * c);
            if (mask[n] !== 0 && labels[n] === 0) {
              labels[n] = count;
              queue.push(n);
            }
          }
    }
  }
  return { labels, count };
}

describe('labelComponents', () => {
  it('joins voxels that touch only at a corner (26-connectivity gives 1 where 6-connectivity would give 2)', () => {
    const result = labelComponents(
      maskOf(
        [3, 3, 3],
        [
          [0, 0, 0],
          [1, 1, 1],
        ],
      ),
      [3, 3, 3],
    );
    expect(result.count).toBe(1);
    expect(result.sizes).toEqual([2]);
  });

  it('joins voxels that touch only along an edge, in every plane, and at the anti-diagonal corner', () => {
    for (const other of [
      [1, 1, 0],
      [1, 0, 1],
      [0, 1, 1],
    ] as const) {
      const mask = maskOf([2, 2, 2], [[0, 0, 0], other]);
      expect(labelComponents(mask, [2, 2, 2]).count).toBe(1);
    }
    // The anti-diagonal corner pair, which a forward-only neighbour scan could miss.
    expect(
      labelComponents(
        maskOf(
          [2, 2, 2],
          [
            [1, 0, 0],
            [0, 1, 1],
          ],
        ),
        [2, 2, 2],
      ).count,
    ).toBe(1);
  });

  it('keeps voxels two steps apart separate and numbers components in raster order', () => {
    const mask = maskOf(
      [5, 1, 1],
      [
        [0, 0, 0],
        [2, 0, 0],
        [4, 0, 0],
      ],
    );
    const { labels, count, sizes } = labelComponents(mask, [5, 1, 1]);
    expect(count).toBe(3);
    expect(Array.from(labels)).toEqual([1, 0, 2, 0, 3]);
    expect(sizes).toEqual([1, 1, 1]);
  });

  it('returns no components for an empty mask and one for a full one', () => {
    expect(labelComponents(new Float32Array(24), [2, 3, 4])).toEqual({
      labels: new Int32Array(24),
      count: 0,
      sizes: [],
    });
    const full = labelComponents(new Float32Array(24).fill(1), [2, 3, 4]);
    expect(full.count).toBe(1);
    expect(full.sizes).toEqual([24]);
  });

  it('merges a U shape whose arms meet only at the bottom (provisional labels unified)', () => {
    const shape: GridShape = [5, 4, 1];
    const mask = maskOf(shape, [...box(0, 1, 0, 4, 0, 1), ...box(4, 5, 0, 4, 0, 1), ...box(0, 5, 3, 4, 0, 1)]);
    const result = labelComponents(mask, shape);
    expect(result.count).toBe(1);
    expect(result.sizes).toEqual([11]);
  });

  it('matches a breadth-first reference on random masks of many shapes and densities', () => {
    // Seeded so that a failing mask can be reproduced.
    const random = new Random(20221);
    const shapes: GridShape[] = [
      [1, 1, 1],
      [7, 1, 1],
      [1, 9, 1],
      [1, 1, 8],
      [6, 5, 4],
      [13, 11, 9],
      [20, 3, 17],
    ];
    for (const shape of shapes) {
      for (const density of [0.05, 0.2, 0.35, 0.6]) {
        const mask = new Float32Array(shape[0] * shape[1] * shape[2]).map(() => (random.chance(density) ? 1 : 0));
        const reference = bfsLabels(mask, shape);
        const result = labelComponents(mask, shape);
        expect(result.count).toBe(reference.count);
        expect(result.labels).toEqual(reference.labels);
        const referenceSizes = new Array<number>(reference.count).fill(0);
        for (const l of reference.labels) if (l > 0) referenceSizes[l - 1]++;
        expect(result.sizes).toEqual(referenceSizes);
      }
    }
  });

  it('labels a large blob and a long serpentine without recursion', () => {
    const full = labelComponents(new Uint8Array(160 ** 3).fill(1), [160, 160, 160]);
    expect(full.count).toBe(1);
    expect(full.sizes).toEqual([160 ** 3]);
    // Rows joined alternately at their right and left ends: one 3-D snake whose label merges chain across rows.
    const shape: GridShape = [64, 63, 8];
    const voxels: Array<[number, number, number]> = [];
    for (let k = 0; k < 8; k += 2) {
      for (let j = 0; j < 63; j += 2) voxels.push(...box(0, 64, j, j + 1, k, k + 1));
      for (let j = 1; j < 62; j += 2) voxels.push(j % 4 === 1 ? [63, j, k] : [0, j, k]);
      if (k + 1 < 8) voxels.push(k % 4 === 0 ? [0, 62, k + 1] : [0, 0, k + 1]);
    }
    const snake = maskOf(shape, voxels);
    expect(labelComponents(snake, shape).count).toBe(1);
    expect(labelComponents(snake, shape).labels).toEqual(bfsLabels(snake, shape).labels);
  });

  it('rejects a mask whose length does not fill the shape, naming both sizes', () => {
    expect(() => labelComponents(new Uint8Array(10), [2, 2, 2])).toThrow(MetricsShapeMismatchError);
    expect(() => labelComponents(new Uint8Array(10), [2, 2, 2])).toThrow(
      'mask has 10 voxels but shape [2, 2, 2] needs 8',
    );
  });

  it('rejects a shape that is not three positive integers', () => {
    expect(() => labelComponents(new Uint8Array(0), [0, 2, 2])).toThrow(/three positive integers/);
    expect(() => labelComponents(new Uint8Array(4), [2, 2, 1.5] as unknown as GridShape)).toThrow(/\[2, 2, 1.5\]/);
  });
});
