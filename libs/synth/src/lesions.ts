import type { Random } from '@fedstroke/common';
import type { Vec3 } from '@fedstroke/nifti';
import { BrainModel, Tissue, TISSUE_SLOTS } from './anatomy';
import { Blob, BlobField, drawBlob } from './blob-field';
import { logUniform, unitVector, weighted } from './draws';

export type LesionPattern = 'compact' | 'elongated' | 'embolic' | 'compact-with-satellites';
export type BorderKind = 'sharp' | 'blurry';

/** The acute infarct of one case: where it is, and how it looks on each sequence. */
export interface LesionPlan {
  pattern: LesionPattern;
  border: BorderKind;
  /** Time since symptom onset: FLAIR turns bright after about 4.5 h (the DWI–FLAIR mismatch). */
  onsetHours: number;
  flairVisible: boolean;
  /** Scanned 7–10 days after onset: the ADC has climbed back to near normal while DWI stays bright (T2). */
  adcPseudoNormal: boolean;
  /** Volume the shape was designed for, before clipping to the parenchyma (the mask measures the real one). */
  designedVolumeMl: number;
  field: BlobField;
  /** Signal multipliers inside the lesion, before the center's contrast. */
  dwiGain: number;
  adcRatio: number;
  flairGain: number;
  /** Signal texture: amplitude (0..0.3 of the lesion contrast), frequency, phase, unit direction. */
  texture: number[];
}

/** Look-alikes that are not acute infarcts and are not in the mask: they make ADC and FLAIR matter. */
export interface Mimic {
  kind: 'chronic-infarct' | 't2-shine-through';
  field: BlobField;
  dwi: number;
  adc: number;
  flair: number;
}

const ML = 1000; // mm³ per mL
export const FLAIR_VISIBLE_AFTER_HOURS = 4.5;
/** The ADC of an infarct is lowest over the first days and back to near normal by 7-10 days. */
export const ADC_PSEUDO_NORMAL_AFTER_HOURS = 168;
const ADC_LOWEST_UNTIL_HOURS = 72;
const ADC_NORMAL_BY_HOURS = 200;

/** A point inside parenchyma (not CSF, not at the very edge), near `near` when given. */
function parenchymaPoint(random: Random, brain: BrainModel, near?: { centre: Vec3; radius: number }): Vec3 {
  const tissue = new Float64Array(TISSUE_SLOTS);
  for (let attempt = 0; attempt < 400; attempt++) {
    const point: Vec3 = near
      ? (near.centre.map((c) => c + random.range(-near.radius, near.radius)) as Vec3)
      : (brain.axes.map((a) => random.range(-0.85 * a, 0.85 * a)) as Vec3);
    brain.sample(point[0], point[1], point[2], tissue);
    if (tissue[Tissue.Brain] >= 1 && tissue[Tissue.Csf] < 0.2 && brain.depth(point[0], point[1], point[2]) > 3)
      return point;
  }
  return near ? near.centre : [0.45 * brain.axes[0] * (random.chance(0.5) ? 1 : -1), 0, 10];
}

function radiusForVolume(volumeMl: number): number {
  return Math.cbrt((3 * volumeMl * ML) / (4 * Math.PI));
}

function compactBlob(random: Random, centre: Vec3, volumeMl: number, width: number): Blob {
  const ratios: Vec3 = [1, random.range(0.6, 1), random.range(0.5, 1)];
  const scale = Math.cbrt((3 * volumeMl * ML) / (4 * Math.PI * ratios[0] * ratios[1] * ratios[2]));
  const irregularity = volumeMl < 0.3 ? 0.03 : random.range(0.08, 0.22);
  return drawBlob(random, centre, ratios.map((r) => r * scale) as Vec3, width, irregularity);
}

/** Small foci of a few mm (lacunes, emboli). */
function focusBlob(random: Random, centre: Vec3, width: number): Blob {
  const radius = radiusForVolume(logUniform(random, 0.012, 0.5));
  return drawBlob(random, centre, [radius, radius * random.range(0.7, 1), radius * random.range(0.7, 1)], width, 0.04);
}

/** A tube of overlapping spheres along a gently curving path (e.g. a perforator or watershed infarct). */
function elongatedBlobs(random: Random, brain: BrainModel, volumeMl: number, width: number): Blob[] {
  const segments = random.intInclusive(3, 7);
  const radius = Math.cbrt((volumeMl * ML) / (Math.PI * (segments - 1 + 4 / 3)));
  let position = parenchymaPoint(random, brain);
  let direction = unitVector(random);
  const blobs: Blob[] = [];
  for (let n = 0; n < segments; n++) {
    const r = radius * random.range(0.85, 1.15);
    blobs.push(drawBlob(random, position, [r, r, r], width, 0.05));
    const bend = unitVector(random);
    direction = direction.map((d, axis) => d + 0.35 * bend[axis]) as Vec3;
    const length = Math.hypot(...direction);
    direction = direction.map((d) => d / length) as Vec3;
    position = position.map((p, axis) => p + radius * direction[axis]) as Vec3;
  }
  return blobs;
}

/**
 * Draws the acute lesion. Total volume is log-uniform over 0.25–70 mL (about a quarter under 1 mL, a fifth over
 * 20 mL); embolic showers are many foci of 0.01–0.5 mL each; onset is log-uniform over 0.5–48 h, so about half the
 * lesions are FLAIR-visible, except one case in ten scanned 7–10 days after onset, when the ADC has pseudo-normalised
 * (ratio 0.81–1.05, all the way back to 0.9–1.05 by 8.3 days) and only DWI (T2 shine-through) and FLAIR still
 * show the infarct.
 */
export function drawLesion(random: Random, brain: BrainModel): LesionPlan {
  const pattern = weighted<LesionPattern>(random, {
    compact: 0.4,
    elongated: 0.2,
    embolic: 0.25,
    'compact-with-satellites': 0.15,
  });
  const border: BorderKind = random.chance(0.5) ? 'sharp' : 'blurry';
  const width = border === 'sharp' ? random.range(0.2, 0.5) : random.range(1, 2.5);
  let designedVolumeMl = logUniform(random, 0.25, 70);
  const blobs: Blob[] = [];
  if (pattern === 'compact' || pattern === 'compact-with-satellites') {
    const centre = parenchymaPoint(random, brain);
    blobs.push(compactBlob(random, centre, designedVolumeMl, width));
    if (pattern === 'compact-with-satellites') {
      const satellites = random.intInclusive(1, 4);
      const reach = radiusForVolume(designedVolumeMl) + 18;
      for (let n = 0; n < satellites; n++)
        blobs.push(focusBlob(random, parenchymaPoint(random, brain, { centre, radius: reach }), width));
    }
  } else if (pattern === 'elongated') {
    blobs.push(...elongatedBlobs(random, brain, designedVolumeMl, width));
  } else {
    const territory = { centre: parenchymaPoint(random, brain), radius: random.range(12, 30) };
    const foci = random.intInclusive(3, 14);
    for (let n = 0; n < foci; n++) blobs.push(focusBlob(random, parenchymaPoint(random, brain, territory), width));
    designedVolumeMl = blobs.reduce((sum, b) => sum + (4 / 3) * Math.PI * b.axes[0] * b.axes[1] * b.axes[2], 0) / ML;
  }
  const onsetHours = logUniform(random, 0.5, 48);
  const flairVisible = onsetHours > FLAIR_VISIBLE_AFTER_HOURS;
  const maturity = Math.min(1, (onsetHours - FLAIR_VISIBLE_AFTER_HOURS) / 24);
  const plan: LesionPlan = {
    pattern,
    border,
    onsetHours,
    flairVisible,
    adcPseudoNormal: false,
    designedVolumeMl,
    field: new BlobField(blobs),
    dwiGain: onsetHours < 3 ? random.range(1.45, 1.9) : random.range(1.6, 2.6),
    adcRatio: random.range(0.55, 0.8),
    flairGain: flairVisible ? (0.25 + 0.45 * maturity) * random.range(0.8, 1.2) : random.range(0, 0.06),
    texture: [random.range(0, 0.3), (2 * Math.PI) / random.range(6, 14), random.range(0, 6.3), ...unitVector(random)],
  };
  // Drawn after the rest, so the lesion keeps its shape and place for a seed.
  return random.chance(0.1) ? olderLesion(random, plan) : plan;
}

/** The same infarct scanned 7–10 days after onset: ADC back towards normal, DWI bright from T2, FLAIR bright. */
function olderLesion(random: Random, plan: LesionPlan): LesionPlan {
  const onsetHours = random.range(ADC_PSEUDO_NORMAL_AFTER_HOURS, 240);
  const recovery = Math.min(1, (onsetHours - ADC_LOWEST_UNTIL_HOURS) / (ADC_NORMAL_BY_HOURS - ADC_LOWEST_UNTIL_HOURS));
  return {
    ...plan,
    onsetHours,
    flairVisible: true,
    adcPseudoNormal: true,
    dwiGain: random.range(1.4, 2),
    adcRatio: plan.adcRatio + (random.range(0.9, 1.05) - plan.adcRatio) * recovery,
    flairGain: 0.7 * random.range(0.8, 1.2),
  };
}

/**
 * Old infarcts (high ADC, dark FLAIR cavity) and T2 shine-through (vasogenic oedema, demyelination, gliosis: long
 * T2 makes DWI bright although the ADC is raised, not restricted; bright on FLAIR).
 */
export function drawMimics(random: Random, brain: BrainModel): Mimic[] {
  const mimics: Mimic[] = [];
  if (random.chance(0.35)) {
    const blob = compactBlob(random, parenchymaPoint(random, brain), logUniform(random, 0.5, 12), 0.6);
    mimics.push({ kind: 'chronic-infarct', field: new BlobField([blob]), dwi: 0.7, adc: 1.9, flair: 0.55 });
  }
  if (random.chance(0.45)) {
    const blob = compactBlob(random, parenchymaPoint(random, brain), logUniform(random, 0.3, 6), 1.2);
    const [dwi, adc, flair] = [random.range(1.3, 1.8), random.range(1.2, 1.6), random.range(1.35, 1.8)];
    mimics.push({ kind: 't2-shine-through', field: new BlobField([blob]), dwi, adc, flair });
  }
  return mimics;
}
