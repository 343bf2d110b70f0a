/**
 * What to look at to see whether a model marks a real case's susceptibility artefacts: the axial slice through each
 * artefact region's centroid, side by side in one PNG, with the DWI in grey, the (grown) regions outlined in amber and
 * the predicted lesion outlined in red. Figures say how much is marked; the picture says where and in what shape.
 */
import type { Volume } from '@fedstroke/nifti';
import { PREDICTION_COLOR, renderOverlayPng, type Rgb } from '@fedstroke/report';
import type { ArtefactRegions } from './artefact-regions';

export const ARTEFACT_REGION_COLOR: Rgb = [255, 176, 0];

/** The axial slices (k) the overlay shows: one per artefact region, the middle slice when there is none. */
export function artefactSlices(regions: Pick<ArtefactRegions, 'regions'>, depth: number): number[] {
  const slices = [...new Set(regions.regions.map((r) => Math.round(r.centroid[2])))].sort((a, b) => a - b);
  return slices.length > 0 ? slices : [Math.floor(depth / 2)];
}

/**
 * The PNG: (width · slices · scale) × (height · scale) pixels. `prediction` is a mask on the DWI's grid (x fastest),
 * or null to show the regions alone.
 */
export function artefactOverlayPng(
  dwi: Pick<Volume, 'data' | 'shape'>,
  regions: Pick<ArtefactRegions, 'regions' | 'mask'>,
  prediction: ArrayLike<number> | null,
  scale = 3,
): Buffer {
  const [nx, ny, nz] = dwi.shape;
  const voxels = nx * ny * nz;
  if (regions.mask.length !== voxels || (prediction && prediction.length !== voxels))
    throw new RangeError(
      `artefact overlay: the region mask (${regions.mask.length} voxels) and the prediction ` +
        `(${prediction?.length ?? 'none'}) must be on the DWI's grid of ${nx}×${ny}×${nz} = ${voxels} voxels`,
    );
  const slices = artefactSlices(regions, nz);
  const width = nx * slices.length;
  const image = new Float32Array(width * ny);
  const region = new Uint8Array(width * ny);
  const predicted = new Uint8Array(width * ny);
  slices.forEach((k, panel) => {
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const from = i + nx * (j + ny * k);
        const to = panel * nx + i + width * j;
        image[to] = dwi.data[from];
        region[to] = regions.mask[from];
        predicted[to] = prediction && prediction[from] > 0 ? 1 : 0;
      }
  });
  return renderOverlayPng({
    image,
    width,
    height: ny,
    layers: [
      { mask: region, color: ARTEFACT_REGION_COLOR },
      { mask: predicted, color: PREDICTION_COLOR },
    ],
    scale,
  });
}
