/**
 * Comparator lists that sort n values: Batcher's odd–even merge sort (Knuth, TAOCP vol. 3, §5.3.4) built for the
 * next power of two and pruned to n. Pruning is sound because the missing inputs can be taken as +∞: a comparator
 * that touches one never swaps, so dropping it changes nothing. For n = 2, 3, 4 this gives the optimal 1, 3, 5
 * comparators. A fixed comparator sequence lets the robust aggregators sort a whole chunk of coordinates with
 * branch-free passes over contiguous rows instead of one small sort per coordinate.
 */
export function sortingNetwork(n: number): Uint16Array {
  const pairs: number[] = [];
  let size = 1;
  while (size < n) size *= 2;
  for (let p = 1; p < size; p *= 2) {
    for (let k = p; k >= 1; k = k / 2) {
      for (let j = k % p; j + k < size; j += 2 * k) {
        for (let i = 0; i < k; i++) {
          const lo = i + j;
          const hi = i + j + k;
          if (Math.floor(lo / (2 * p)) === Math.floor(hi / (2 * p)) && hi < n) pairs.push(lo, hi);
        }
      }
    }
  }
  return Uint16Array.from(pairs);
}
