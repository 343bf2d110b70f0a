import { Random } from '@fedstroke/common';
import type { Vec3 } from '@fedstroke/nifti';
import { borderWidths, BrainModel, Tissue, TISSUE_SLOTS } from './anatomy';
import { BlobField, drawBlob } from './blob-field';
import { CURATED_CENTERS } from './centers';
import { dwiGrid, Grid, voxelToLocal } from './grids';
import { drawLesion, type LesionPlan, type Mimic } from './lesions';
import { DiffusionContrast, renderDiffusion, voxelFootprint } from './render';

const SHAPE: Vec3 = [64, 64, 40];
const SPACING: Vec3 = [2.5, 2.5, 3];

/** One head on the default DWI grid: its brain, a lesion, and a tissue slot at every voxel as the render sees it. */
function head(seed: number) {
  const random = new Random(seed);
  const grid = dwiGrid(SHAPE, SPACING, CURATED_CENTERS[0], random);
  const brain = new BrainModel(random, [69, 69, 49]);
  const lesion = drawLesion(random, brain);
  const slot = (which: Tissue, b0PileUpShiftMm = 0): Float32Array => {
    const m = voxelToLocal(grid, brain.poseRotation, brain.poseCentre);
    const tissue = new Float64Array(TISSUE_SLOTS);
    const edges = borderWidths(voxelFootprint(grid));
    const out = new Float32Array(SHAPE[0] * SHAPE[1] * SHAPE[2]);
    let index = 0;
    for (let k = 0; k < SHAPE[2]; k++)
      for (let j = 0; j < SHAPE[1]; j++)
        for (let i = 0; i < SHAPE[0]; i++, index++) {
          const x = m[3] + m[0] * i + m[1] * j + m[2] * k;
          const y = m[7] + m[4] * i + m[5] * j + m[6] * k;
          const z = m[11] + m[8] * i + m[9] * j + m[10] * k;
          brain.sample(x, y, z, tissue, edges, b0PileUpShiftMm);
          out[index] = tissue[which];
        }
    return out;
  };
  return { grid, brain, lesion, slot };
}

const NO_LESION = (lesion: LesionPlan): LesionPlan => ({ ...lesion, field: new BlobField([]) });

function contrast(overrides: Partial<DiffusionContrast> = {}): DiffusionContrast {
  return {
    b: 1,
    white: { dwi: 1, adc: 0.75 },
    grey: { dwi: 1.25, adc: 0.87 },
    csf: { dwi: 2.8 * Math.exp(-(3 - 0.75)), adc: 3 },
    choroid: { dwi: 1.6, adc: 1.1 },
    leukoaraiosis: { dwi: 1.1, adc: 1.35 },
    ribbonGain: 0.3,
    textureAdc: 0.08,
    textureDwi: 0.05,
    lesion: { dwi: 2, adc: 0.6 },
    susceptibilityGain: 3,
    b0PileUpRatio: 1,
    b0PileUpShiftMm: 0,
    ...overrides,
  };
}

const adcOf = (s0: Float32Array, sb: Float32Array, i: number, b = 1) => Math.log(s0[i] / sb[i]) / b;

function indicesWhere(values: Float32Array, test: (v: number) => boolean, brain: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (brain[i] && test(values[i])) out.push(i);
  return out;
}

function centroidWorld(grid: Grid, indices: readonly number[]): Vec3 {
  const a = grid.affine;
  const sum: Vec3 = [0, 0, 0];
  for (const index of indices) {
    const i = index % SHAPE[0];
    const j = Math.floor(index / SHAPE[0]) % SHAPE[1];
    const k = Math.floor(index / (SHAPE[0] * SHAPE[1]));
    for (let r = 0; r < 3; r++) sum[r] += a[r * 4] * i + a[r * 4 + 1] * j + a[r * 4 + 2] * k + a[r * 4 + 3];
  }
  return sum.map((s) => s / indices.length) as Vec3;
}

describe('renderDiffusion', () => {
  const { grid, brain, lesion, slot } = head(3);
  const quiet = NO_LESION(lesion);
  const withArtefact = renderDiffusion(grid, brain, quiet, [], contrast());
  const withoutArtefact = renderDiffusion(grid, brain, quiet, [], contrast({ susceptibilityGain: 0 }));

  it('piles up skull-base artefacts on DWI at both temporal poles without touching the ADC', () => {
    const weight = slot(Tissue.Susceptibility);
    const spots = indicesWhere(weight, (w) => w > 0.2, withArtefact.brain);
    expect(spots.length).toBeGreaterThan(20);
    for (const i of spots) {
      expect(withArtefact.sb[i] / withoutArtefact.sb[i]).toBeCloseTo(1 + 3 * weight[i], 5);
      expect(adcOf(withArtefact.s0, withArtefact.sb, i)).toBeCloseTo(
        adcOf(withoutArtefact.s0, withoutArtefact.sb, i),
        5,
      );
    }
    // Both sides, low and in front of the brain's centre (world RAS: x right, y anterior, z superior).
    const brainCentre = centroidWorld(
      grid,
      indicesWhere(weight, () => true, withArtefact.brain),
    );
    const left = centroidWorld(
      grid,
      spots.filter((i) => centroidWorld(grid, [i])[0] < brainCentre[0]),
    );
    const right = centroidWorld(
      grid,
      spots.filter((i) => centroidWorld(grid, [i])[0] > brainCentre[0]),
    );
    for (const side of [left, right]) {
      expect(Math.abs(side[0] - brainCentre[0])).toBeGreaterThan(30);
      expect(side[2]).toBeLessThan(brainCentre[2] - 15);
      expect(side[1]).toBeGreaterThan(brainCentre[1]);
    }
  });

  it("swings the artefact's ADC low on one flank and high on the other when the b=0 pile-up is displaced", () => {
    const shift = 3;
    const displaced = renderDiffusion(grid, brain, quiet, [], contrast({ b0PileUpShiftMm: shift }));
    const weight = slot(Tissue.Susceptibility, shift);
    const b0Weight = slot(Tissue.SusceptibilityB0, shift);
    const spots = indicesWhere(weight, (w) => w > 0.2, displaced.brain);
    let lower = 0;
    let higher = 0;
    for (const i of spots) {
      // DWI piles up as without a displacement; the ADC moves by ln((1 + g·w0) / (1 + g·w)) / b.
      expect(displaced.sb[i]).toBeCloseTo(withArtefact.sb[i], 5);
      const change = adcOf(displaced.s0, displaced.sb, i) - adcOf(withoutArtefact.s0, withoutArtefact.sb, i);
      expect(change).toBeCloseTo(Math.log((1 + 3 * b0Weight[i]) / (1 + 3 * weight[i])), 4);
      if (change < -0.05) lower++;
      if (change > 0.05) higher++;
    }
    // Both flanks, each a good share of the artefact: the real case holds ADC a third below parenchyma there.
    expect(lower).toBeGreaterThan(spots.length / 5);
    expect(higher).toBeGreaterThan(spots.length / 5);
    // Displaced, not reshaped: the same hotspots carry about the same total weight (the cortical shell they are
    // seen through stays where the brain is, so not exactly).
    const total = (values: Float32Array) => values.reduce((sum, v) => sum + v, 0);
    const kept = total(b0Weight) / total(weight);
    expect(kept).toBeGreaterThan(0.85);
    expect(kept).toBeLessThan(1.15);
  });

  it('makes the choroid plexus brighter than CSF on DWI with an ADC far below it', () => {
    const choroid = indicesWhere(slot(Tissue.Choroid), (f) => f > 0.6, withArtefact.brain);
    const csf = indicesWhere(slot(Tissue.Csf), (f) => f > 0.95, withArtefact.brain);
    expect(choroid.length).toBeGreaterThan(2);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const { s0, sb } = withArtefact;
    expect(mean(choroid.map((i) => sb[i]))).toBeGreaterThan(3 * mean(csf.map((i) => sb[i])));
    expect(mean(choroid.map((i) => adcOf(s0, sb, i)))).toBeLessThan(0.6 * mean(csf.map((i) => adcOf(s0, sb, i))));
  });

  it('brightens part of the cortical ribbon on DWI, with the ADC of normal cortex', () => {
    const flat = renderDiffusion(grid, brain, quiet, [], contrast({ ribbonGain: 0 }));
    const ribbon = slot(Tissue.Ribbon);
    const grey = slot(Tissue.Grey);
    const bright = indicesWhere(ribbon, (r) => r > 0.9, withArtefact.brain).filter((i) => grey[i] > 0.9);
    expect(bright.length).toBeGreaterThan(50);
    for (const i of bright) {
      expect(withArtefact.sb[i] / flat.sb[i]).toBeGreaterThan(1.2);
      // Unchanged but for the reweighting of the voxel's other tenth (white matter, CSF at 3) in the mix: far from
      // the drop of 0.3 or more of a cortical infarct.
      expect(Math.abs(adcOf(withArtefact.s0, withArtefact.sb, i) - adcOf(flat.s0, flat.sb, i))).toBeLessThan(0.05);
    }
  });

  it('mixes partial volumes in signal: a voxel a third to two-thirds CSF has an ADC well above tissue, below CSF', () => {
    const csfFraction = slot(Tissue.Csf);
    const border = indicesWhere(csfFraction, (f) => f > 0.3 && f < 0.7, withArtefact.brain);
    expect(border.length).toBeGreaterThan(500);
    const pure = indicesWhere(csfFraction, (f) => f < 0.01, withArtefact.brain);
    const tissueAdc = adcOf(withArtefact.s0, withArtefact.sb, pure[0]);
    for (const i of border.slice(0, 50)) {
      const adc = adcOf(withArtefact.s0, withArtefact.sb, i);
      expect(adc).toBeGreaterThan(tissueAdc + 0.2);
      expect(adc).toBeLessThan(3);
    }
  });

  it('shows a T2 shine-through mimic bright on DWI and on ADC, and keeps it out of the mask', () => {
    const centre: Vec3 = [20, 10, 15];
    const blob = drawBlob(new Random(1), centre, [6, 6, 6], 1, 0);
    const mimic: Mimic = { kind: 't2-shine-through', field: new BlobField([blob]), dwi: 1.5, adc: 1.4, flair: 1.6 };
    const shown = renderDiffusion(grid, brain, quiet, [mimic], contrast());
    const core = indicesWhere(shown.sb, () => true, shown.brain).filter((i) => shown.sb[i] / withArtefact.sb[i] > 1.4);
    expect(core.length).toBeGreaterThan(10);
    for (const i of core)
      expect(adcOf(shown.s0, shown.sb, i)).toBeGreaterThan(1.25 * adcOf(withArtefact.s0, withArtefact.sb, i));
    expect(shown.lesionMask.every((v) => v === 0)).toBe(true);
  });
});
