import { assertFitsShape, type GridShape } from './grid';

/**
 * Connected components of a 3-D mask with 26-connectivity (faces, edges and corners touch), the connectivity the
 * ISLES'22 scoring uses (cc3d, connectivity=26).
 */
export interface ComponentLabels {
  /** Per voxel: 0 for background, else the component label 1..count. Same voxel order as the mask. */
  labels: Int32Array;
  count: number;
  /** sizes[label - 1] = voxel count of that component. */
  sizes: number[];
}

/**
 * Union-find over provisional labels. Roots are always the smallest label of their set, so the final numbering
 * follows the raster order of each component's first voxel (deterministic, and what a raster-seeded BFS gives).
 */
class ProvisionalLabels {
  private parent = new Int32Array(1024);
  private next = 1;

  get size(): number {
    return this.next;
  }

  create(): number {
    if (this.next === this.parent.length) {
      const grown = new Int32Array(this.parent.length * 2);
      grown.set(this.parent);
      this.parent = grown;
    }
    const label = this.next++;
    this.parent[label] = label;
    return label;
  }

  find(label: number): number {
    const parent = this.parent;
    while (parent[label] !== label) {
      parent[label] = parent[parent[label]]; // path halving keeps trees flat without recursion
      label = parent[label];
    }
    return label;
  }

  union(a: number, b: number): number {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return ra;
    if (ra < rb) {
      this.parent[rb] = ra;
      return ra;
    }
    this.parent[ra] = rb;
    return rb;
  }
}

/**
 * Labels the 26-connected components of `mask` (nonzero = foreground; index = i + nx * (j + ny * k)).
 *
 * Two raster passes (Rosenfeld–Pfaltz with union-find): the first gives each foreground voxel the merged label of its
 * 13 already-visited neighbours, the second resolves every label to its set and renumbers 1..count. Memory is one
 * Int32Array per voxel plus one per provisional label; no recursion and no per-voxel allocation, so a 512³ blob is fine.
 */
export function labelComponents(mask: ArrayLike<number>, shape: GridShape): ComponentLabels {
  assertFitsShape(mask, shape);
  const [nx, ny, nz] = shape;
  const slice = nx * ny;
  const labels = new Int32Array(mask.length);
  const sets = new ProvisionalLabels();
  // The running label of the current voxel after meeting one neighbour's label (0 = background neighbour).
  const merge = (current: number, neighbour: number): number =>
    neighbour === 0 || neighbour === current
      ? current
      : current === 0
        ? sets.find(neighbour)
        : sets.union(current, neighbour);

  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const rowStart = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const v = rowStart + i;
        if (mask[v] === 0) continue;
        // Shortcut: every already-visited neighbour is itself adjacent to (i, j, k-1), and of two adjacent voxels the
        // later one merged the earlier when it was scanned; so if (i, j, k-1) is foreground, all of them already
        // share its set. Inside a blob this makes most voxels one copy.
        if (k > 0 && labels[v - slice] !== 0) {
          labels[v] = labels[v - slice];
          continue;
        }
        const hasLeft = i > 0;
        const hasRight = i < nx - 1;
        let label = 0;
        if (hasLeft) label = merge(label, labels[v - 1]);
        if (j > 0) {
          const r = v - nx;
          label = merge(label, labels[r]);
          if (hasLeft) label = merge(label, labels[r - 1]);
          if (hasRight) label = merge(label, labels[r + 1]);
        }
        if (k > 0) {
          for (let dj = j > 0 ? -1 : 0; dj <= (j < ny - 1 ? 1 : 0); dj++) {
            const r = v - slice + dj * nx;
            label = merge(label, labels[r]);
            if (hasLeft) label = merge(label, labels[r - 1]);
            if (hasRight) label = merge(label, labels[r + 1]);
          }
        }
        labels[v] = label === 0 ? sets.create() : label;
      }
    }
  }

  const finalLabel = new Int32Array(sets.size);
  const sizes: number[] = [];
  for (let v = 0; v < labels.length; v++) {
    const provisional = labels[v];
    if (provisional === 0) continue;
    const root = sets.find(provisional);
    if (finalLabel[root] === 0) {
      sizes.push(0);
      finalLabel[root] = sizes.length;
    }
    const label = finalLabel[root];
    labels[v] = label;
    sizes[label - 1]++;
  }
  return { labels, count: sizes.length, sizes };
}
