/**
 * Where a real case's susceptibility artefacts are, so a model's prediction can be measured inside and outside
 * them. EPI pile-up at the air-bone interfaces of the skull base (temporal poles above the mastoid and sphenoid
 * air, orbitofrontal cortex above the frontal sinus) is bright on DWI while its ADC is not restricted: the rule
 * keeps the 26-connected components of DWI > `dwiFactor` × the parenchymal DWI median whose mean ADC is at least
 * the parenchymal ADC median, that hold at least `minMl`, and whose centroid lies in the lower half and the front
 * half of the brain. Restricted-diffusion foci (true lesions) fail the ADC test; posterior-fossa spots the position
 * test. The regions are then grown by `marginVoxels` so a prediction spilling over their border still counts.
 */
import { labelComponents } from '@fedstroke/metrics';
import { applyAffine, voxelVolumeMl, type Vec3, type Volume } from '@fedstroke/nifti';
import { adcUnitFactor, brainMedian, nonzeroBrain } from './brain-histogram';

export interface ArtefactRegionOptions {
  dwiFactor?: number;
  minMl?: number;
  marginVoxels?: number;
}

export interface ArtefactRegion {
  voxels: number;
  volumeMl: number;
  /** Voxel-index centroid (i, j, k). */
  centroid: Vec3;
  /** Mean DWI over the parenchymal median, and mean ADC in 10^-3 mm²/s. */
  dwiRatio: number;
  adc: number;
}

export interface ArtefactRegions {
  regions: ArtefactRegion[];
  /** The union of the regions after growing them, on the case's grid (x fastest). */
  mask: Uint8Array;
  parenchymaDwiMedian: number;
  parenchymaAdcMedian: number;
  /** What brings this case's stored ADC to 10^-3 mm²/s (adcUnitFactor), so users of the regions need not redo it. */
  adcToStandard: number;
}

/** Voxel index → (i, j, k) with x fastest. */
function ijk(index: number, shape: Vec3): Vec3 {
  const [nx, ny] = shape;
  return [index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny))];
}

/** Grows a mask by `steps` voxels with 26-neighbourhood dilation. */
export function dilate(mask: Uint8Array, shape: Vec3, steps: number): Uint8Array {
  const [nx, ny, nz] = shape;
  let current = mask;
  for (let s = 0; s < steps; s++) {
    const next = current.slice();
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          if (!current[i + nx * (j + ny * k)]) continue;
          for (let dk = -1; dk <= 1; dk++)
            for (let dj = -1; dj <= 1; dj++)
              for (let di = -1; di <= 1; di++) {
                const [a, b, c] = [i + di, j + dj, k + dk];
                if (a >= 0 && b >= 0 && c >= 0 && a < nx && b < ny && c < nz) next[a + nx * (b + ny * c)] = 1;
              }
        }
    current = next;
  }
  return current;
}

/** `dwi` and `adc` share one grid (as ISLES'22 cases do); front and below are judged in world (RAS) mm. */
export function susceptibilityArtefactRegions(
  dwiVolume: Pick<Volume, 'data' | 'shape' | 'affine'>,
  adc: ArrayLike<number>,
  options: ArtefactRegionOptions = {},
): ArtefactRegions {
  const { data: dwi, shape, affine } = dwiVolume;
  const voxelMl = voxelVolumeMl(dwiVolume);
  const dwiFactor = options.dwiFactor ?? 1.8;
  const minMl = options.minMl ?? 0.5;
  const brain = nonzeroBrain(dwi);
  const toStandard = adcUnitFactor(adc, brain);
  // Parenchyma: brain voxels with an ADC of grey or white matter (CSF and cavities are far above 1.2).
  const parenchyma = new Uint8Array(brain.length);
  for (let i = 0; i < brain.length; i++) {
    const value = adc[i] * toStandard;
    parenchyma[i] = brain[i] && value >= 0.4 && value <= 1.2 ? 1 : 0;
  }
  const dwiMedian = brainMedian(dwi, parenchyma);
  const adcMedian = brainMedian(adc, parenchyma) * toStandard;
  const bright = new Uint8Array(brain.length);
  for (let i = 0; i < brain.length; i++) bright[i] = brain[i] && dwi[i] > dwiFactor * dwiMedian ? 1 : 0;
  const components = labelComponents(bright, shape);

  const brainCentroid: Vec3 = [0, 0, 0];
  let brainVoxels = 0;
  const sums = Array.from({ length: components.count }, () => ({ n: 0, i: 0, j: 0, k: 0, dwi: 0, adc: 0 }));
  for (let index = 0; index < brain.length; index++) {
    if (!brain[index]) continue;
    const p = ijk(index, shape);
    brainVoxels++;
    for (let a = 0; a < 3; a++) brainCentroid[a] += p[a];
    const label = components.labels[index];
    if (label === 0) continue;
    const s = sums[label - 1];
    s.n++;
    s.i += p[0];
    s.j += p[1];
    s.k += p[2];
    s.dwi += dwi[index];
    s.adc += adc[index] * toStandard;
  }
  for (let a = 0; a < 3; a++) brainCentroid[a] /= Math.max(brainVoxels, 1);
  const brainWorld = applyAffine(affine, brainCentroid);

  const kept: number[] = [];
  const regions: ArtefactRegion[] = [];
  sums.forEach((s, n) => {
    const centroid: Vec3 = [s.i / s.n, s.j / s.n, s.k / s.n];
    const [, worldY, worldZ] = applyAffine(affine, centroid);
    const region = {
      voxels: s.n,
      volumeMl: s.n * voxelMl,
      centroid,
      dwiRatio: s.dwi / s.n / dwiMedian,
      adc: s.adc / s.n,
    };
    const anterior = worldY > brainWorld[1];
    const inferior = worldZ < brainWorld[2];
    if (region.volumeMl >= minMl && region.adc >= adcMedian && anterior && inferior) {
      kept.push(n + 1);
      regions.push(region);
    }
  });
  const selected = new Uint8Array(brain.length);
  const keep = new Set(kept);
  for (let i = 0; i < brain.length; i++) if (keep.has(components.labels[i])) selected[i] = 1;
  const grown = dilate(selected, shape, options.marginVoxels ?? 1);
  for (let i = 0; i < grown.length; i++) grown[i] &= brain[i];
  return {
    regions,
    mask: grown,
    parenchymaDwiMedian: dwiMedian,
    parenchymaAdcMedian: adcMedian,
    adcToStandard: toStandard,
  };
}

/** Predicted lesion volume inside and outside a region mask. */
export function volumeInsideOutside(
  prediction: ArrayLike<number>,
  region: Uint8Array,
  voxelMl: number,
): { insideMl: number; outsideMl: number } {
  let inside = 0;
  let outside = 0;
  for (let i = 0; i < prediction.length; i++) {
    if (!prediction[i]) continue;
    if (region[i]) inside++;
    else outside++;
  }
  return { insideMl: inside * voxelMl, outsideMl: outside * voxelMl };
}
