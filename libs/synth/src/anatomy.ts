import type { Random } from '@fedstroke/common';
import type { Vec3 } from '@fedstroke/nifti';
import { unitVector } from './draws';
import { degrees, Matrix3, rotationXYZ } from './rotation';
import { SkullBaseArtefacts } from './skull-base-artefacts';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { abs, max, min, sin, sqrt } = Math;

/** Tissue fractions at one point, written into a reused Float64Array to keep rendering allocation-free. */
export enum Tissue {
  Brain = 0,
  White = 1,
  Grey = 2,
  Csf = 3,
  /** Periventricular white-matter hyperintensity (leukoaraiosis) weight within the white matter, 0..1. */
  Leukoaraiosis = 4,
  /** EPI pile-up at the skull base (temporal poles, frontal sinus): DWI bright, ADC unchanged; 0..1. */
  Susceptibility = 5,
  /** Fraction of the voxel that is choroid plexus (taken out of the ventricle's CSF). */
  Choroid = 6,
  /** Cortical-ribbon brightness weight of the grey matter on DWI, 0..1. */
  Ribbon = 7,
  /** Smooth regional variation of the parenchyma's diffusivity (tracts, deep nuclei, age), about -1..1. */
  Texture = 8,
  /**
   * The pile-up as the b=0 image has it: the same hotspots, displaced along the phase-encoding axis (anterior-
   * posterior) by the eddy currents that only the diffusion gradients induce. Where the two disagree the ADC, their
   * log ratio, swings low on one flank of the artefact and high on the other, as on real scanners.
   */
  SusceptibilityB0 = 9,
}
export const TISSUE_SLOTS = 10;

/** Widths (mm) of the anatomy's tissue-border ramps, nominally 1, 1.2 and 1.5 mm. */
export interface BorderWidths {
  w10: number;
  w12: number;
  w15: number;
}

const POINT_BORDERS: BorderWidths = { w10: 1, w12: 1.2, w15: 1.5 };

/**
 * The borders as voxels `footprintMm` across see them: each ramp widened so that a point sample approximates the
 * voxel's average (the variances of the ramp and of a box of that width add). Partial-volume borders at the cost
 * of one sample per voxel; each border's 0.5 level, hence the brain mask, stays where it was.
 */
export function borderWidths(footprintMm: number): BorderWidths {
  const widen = (width: number) => Math.sqrt(width * width + footprintMm * footprintMm);
  return { w10: widen(1), w12: widen(1.2), w15: widen(1.5) };
}

/** Linear ramp from 0 to 1 across a band of `width` mm around signed distance 0 (positive inside). */
function ramp(distance: number, width: number): number {
  const value = 0.5 + distance / width;
  return value <= 0 ? 0 : value >= 1 ? 1 : value;
}

interface Wave {
  amplitude: number;
  frequency: number;
  phase: number;
  direction: Vec3;
}

/**
 * A skull-stripped brain as closed-form fields in brain-local mm: a deformed ellipsoid (flatter below), a cortical
 * grey-matter ribbon that folds with a smooth gyral pattern, sulcal and rim CSF, the interhemispheric fissure,
 * lateral ventricles whose size varies with atrophy, deep grey nuclei and periventricular leukoaraiosis.
 * Closed form means any grid (DWI or the tilted, anisotropic FLAIR) samples the same anatomy.
 */
export class BrainModel {
  /** Semi-axes in mm (x: left-right, y: anterior-posterior, z: superior; z below the centre is flattened). */
  readonly axes: Vec3;
  readonly poseRotation: Matrix3;
  readonly poseCentre: Vec3;
  private readonly meanRadius: number;
  private readonly shapeWaves: Wave[];
  /** Plane waves of the folding field, 5 numbers each: angular frequency · direction (3), phase, unused. */
  private readonly foldWaves: Float64Array;
  private readonly foldFrequency: number;
  private readonly sulcusDepth: number;
  private readonly sulcusHalfWidth: number;
  private readonly ventricleScale: number;
  readonly leukoaraiosis: number;
  /** How strongly this head shows the skull-base susceptibility artefact (scaled per center when rendering). */
  readonly susceptibility: number;
  private readonly artefacts: SkullBaseArtefacts;
  /** Choroid plexus glomus in each atrium: centre offsets in the ventricle's frame and radius (mm). */
  private readonly choroidRadius: number;
  /** Low-frequency plane waves (3 numbers of angular frequency · direction, then phase) of the bright-ribbon field. */
  private readonly ribbonWaves: Float64Array;
  private readonly ribbonLevel: number;
  /** Plane waves of the diffusivity texture, as the ribbon's. */
  private readonly textureWaves: Float64Array;

  constructor(random: Random, maxAxes: Vec3) {
    const base: Vec3 = [58, 70, 48];
    this.axes = base.map((value, axis) => min(value * random.range(0.93, 1.07), maxAxes[axis])) as Vec3;
    this.meanRadius = (this.axes[0] + this.axes[1] + this.axes[2]) / 3;
    this.poseRotation = rotationXYZ(
      degrees(random.range(-5, 5)),
      degrees(random.range(-4, 4)),
      degrees(random.range(-5, 5)),
    );
    this.poseCentre = [random.range(-3, 3), random.range(-4, 4), random.range(-3, 3)];
    this.shapeWaves = Array.from({ length: 4 }, () => ({
      amplitude: random.range(0.008, 0.025),
      frequency: random.range(2, 4.5),
      phase: random.range(0, 2 * Math.PI),
      direction: unitVector(random),
    }));
    this.foldFrequency = (2 * Math.PI) / random.range(18, 24);
    this.foldWaves = new Float64Array(FOLD_WAVES * 5);
    for (let n = 0; n < FOLD_WAVES; n++) {
      const direction = unitVector(random);
      const frequency = this.foldFrequency * random.range(0.75, 1.25);
      this.foldWaves.set(
        [frequency * direction[0], frequency * direction[1], frequency * direction[2], random.range(0, 6.3), 0],
        n * 5,
      );
    }
    // Older, atrophic brains: wider sulci (lower threshold) and larger ventricles, often with leukoaraiosis.
    const atrophy = random.uniform();
    this.sulcusDepth = random.range(9, 14);
    this.sulcusHalfWidth = 0.5 + 1.2 * atrophy;
    this.ventricleScale = 0.8 + 0.9 * atrophy;
    this.leukoaraiosis = random.chance(0.6) ? random.range(0.2, 1) * (0.4 + 0.6 * atrophy) : 0;
    this.susceptibility = random.range(0.5, 1);
    // Drawn last, so everything above stays as it was for a seed.
    this.artefacts = new SkullBaseArtefacts(random, this.axes, this.axes[2] * LOWER_FLATTENING, this.susceptibility);
    this.choroidRadius = random.range(2.5, 4.5);
    this.ribbonWaves = new Float64Array(RIBBON_WAVES * 4);
    for (let n = 0; n < RIBBON_WAVES; n++) {
      const direction = unitVector(random);
      const frequency = (2 * Math.PI) / random.range(50, 90);
      this.ribbonWaves.set(
        [frequency * direction[0], frequency * direction[1], frequency * direction[2], random.range(0, 6.3)],
        n * 4,
      );
    }
    this.ribbonLevel = random.range(0.2, 0.8);
    this.textureWaves = new Float64Array(TEXTURE_WAVES * 4);
    for (let n = 0; n < TEXTURE_WAVES; n++) {
      const direction = unitVector(random);
      const frequency = (2 * Math.PI) / random.range(15, 40);
      this.textureWaves.set(
        [frequency * direction[0], frequency * direction[1], frequency * direction[2], random.range(0, 6.3)],
        n * 4,
      );
    }
  }

  /** Normalized ellipsoid radius before deformation (1 on the undeformed surface). */
  private ellipsoidRadius(x: number, y: number, z: number): number {
    const zAxis = z < 0 ? this.axes[2] * LOWER_FLATTENING : this.axes[2];
    const u = x / this.axes[0];
    const v = y / this.axes[1];
    const w = z / zAxis;
    return sqrt(u * u + v * v + w * w);
  }

  /** Depth below the brain surface in mm (negative outside); cheap early-out far from the brain. */
  depth(x: number, y: number, z: number): number {
    const r = this.ellipsoidRadius(x, y, z);
    if (r > 1.2) return -this.meanRadius * (r - 1);
    let deform = 0;
    if (r > 1e-6) {
      const inv = 1 / (r * this.meanRadius);
      for (const wave of this.shapeWaves) {
        const along = (x * wave.direction[0] + y * wave.direction[1] + z * wave.direction[2]) * inv;
        deform += wave.amplitude * sin(wave.frequency * along + wave.phase);
      }
    }
    return min(
      (1 - r / (1 + deform)) * this.meanRadius,
      this.basalNotchDistance(x, y, z),
      this.petrousDistance(x, y, z),
    );
  }

  /**
   * Distance (mm, positive outside) to the petrous ridges: on each side a band of bone behind the temporal lobe,
   * so in the lowest slices each temporal pole is a lobe of its own in front of the posterior fossa.
   */
  private petrousDistance(x: number, y: number, z: number): number {
    const lower = this.axes[2] * LOWER_FLATTENING;
    const u = (abs(x) - 0.55 * this.axes[0]) / (0.4 * this.axes[0]);
    const v = (y + 0.05 * this.axes[1]) / (0.1 * this.axes[1]);
    const w = (z + lower) / (0.5 * lower);
    return (sqrt(u * u + v * v + w * w) - 1) * 0.1 * this.axes[1];
  }

  /**
   * Distance (mm, positive outside) to the space below the frontal lobes and between the temporal lobes (sella,
   * sphenoid, the basal cisterns): cut out of the ellipsoid, it leaves two temporal poles in the lowest slices
   * with the brainstem and cerebellum behind them, as real inferior slices look.
   */
  private basalNotchDistance(x: number, y: number, z: number): number {
    const lower = this.axes[2] * LOWER_FLATTENING;
    const u = x / (0.4 * this.axes[0]);
    const v = (y - 0.45 * this.axes[1]) / (0.75 * this.axes[1]);
    const w = (z + lower) / (0.55 * lower);
    return (sqrt(u * u + v * v + w * w) - 1) * 0.55 * lower;
  }

  /**
   * Writes tissue fractions at brain-local (x, y, z) mm into `out` (slots as in Tissue), with tissue borders as
   * wide as `edges` makes them (borderWidths: a voxel's partial volume). The b=0 image's pile-up
   * (Tissue.SusceptibilityB0) is the same hotspots sampled `b0PileUpShiftMm` further along y.
   */
  sample(
    x: number,
    y: number,
    z: number,
    out: Float64Array,
    edges: BorderWidths = POINT_BORDERS,
    b0PileUpShiftMm = 0,
  ): void {
    this.edges = edges;
    const depth = this.depth(x, y, z);
    const brain = ramp(depth, this.edges.w15);
    out[Tissue.Brain] = brain;
    if (brain === 0) {
      out[Tissue.White] = out[Tissue.Grey] = out[Tissue.Leukoaraiosis] = 0;
      out[Tissue.Csf] = out[Tissue.Susceptibility] = out[Tissue.SusceptibilityB0] = out[Tissue.Choroid] = 0;
      out[Tissue.Ribbon] = out[Tissue.Texture] = 0;
      return;
    }
    // Partial volume with what lies outside the brain counts as CSF (the subarachnoid space).
    let csf = 1 - brain;
    let grey = 0;
    if (depth < this.sulcusDepth + 5) {
      // Sulci are the zero level set of a smooth random field (a sum of plane waves in random directions: an
      // irregular pattern with no lattice in any slice): thin sheets that cut in from the surface, lined with
      // cortex. The field has unit variance and gradient ~ frequency, so |field| / frequency ≈ distance in mm.
      const q = this.foldWaves;
      let folding = 0;
      for (let n = 0; n < q.length; n += 5) folding += sin(q[n] * x + q[n + 1] * y + q[n + 2] * z + q[n + 3]);
      folding *= FOLD_NORM;
      const f = this.foldFrequency;
      const toSulcus = abs(folding) / f;
      const withinSulcusDepth = ramp(this.sulcusDepth - depth, 2);
      csf = max(
        csf,
        ramp(1.2 - depth, this.edges.w10),
        ramp(this.sulcusHalfWidth - toSulcus, this.edges.w10) * withinSulcusDepth,
      );
      grey = max(
        ramp(3.5 - depth, this.edges.w12),
        ramp(this.sulcusHalfWidth + 2.8 - toSulcus, this.edges.w12) * ramp(this.sulcusDepth + 3 - depth, 2),
      );
    }
    // Interhemispheric fissure: CSF in the midline above the corpus callosum and at the frontal and occipital poles.
    if (z > 14 || y > 28 || y < -40) {
      const side = abs(x);
      csf = max(csf, ramp(1.3 - side, this.edges.w10));
      grey = max(grey, ramp(4.5 - side, this.edges.w12));
    }
    this.ventricles(x, y, z);
    csf = max(csf, this.ventricleCsf);
    grey = max(grey, 0.7 * this.deepGrey(x, y, z));
    grey *= 1 - csf;
    out[Tissue.Csf] = csf;
    out[Tissue.Grey] = grey;
    out[Tissue.White] = max(0, 1 - csf - grey);
    out[Tissue.Leukoaraiosis] = this.ventricleBand;
    out[Tissue.Choroid] = this.ventricleCsf > 0 ? this.ventricleCsf * this.choroid(x, y, z) : 0;
    out[Tissue.Ribbon] = grey > 0 ? this.ribbon(x, y, z) : 0;
    out[Tissue.Texture] = this.texture(x, y, z);
    out[Tissue.Susceptibility] = this.artefacts.weight(x, y, z, depth);
    out[Tissue.SusceptibilityB0] =
      b0PileUpShiftMm === 0 ? out[Tissue.Susceptibility] : this.artefacts.weight(x, y + b0PileUpShiftMm, z, depth);
  }

  /** Unit-variance smooth random field: where diffusivity is a little higher or lower than the tissue's mean. */
  private texture(x: number, y: number, z: number): number {
    const q = this.textureWaves;
    let field = 0;
    for (let n = 0; n < q.length; n += 4) field += sin(q[n] * x + q[n + 1] * y + q[n + 2] * z + q[n + 3]);
    return field * TEXTURE_NORM;
  }

  /** The choroid glomus in each atrium (the posterior end of the lateral ventricle), 0..1. */
  private choroid(x: number, y: number, z: number): number {
    const s = this.ventricleScale;
    const dx = abs(x) - 6.5 * s;
    const dy = y + 0.7 * 22 * (0.8 + 0.2 * s);
    const dz = z - (9 - 0.008 * y * y) + 1.5;
    return ramp(this.choroidRadius - sqrt(dx * dx + dy * dy + dz * dz), this.edges.w15);
  }

  /**
   * Where the cortex is brighter on DWI than elsewhere (real b=1000 images show a bright ribbon over parts of the
   * insula, cingulate and medial temporal cortex that mimics a cortical infarct): a smooth random field thresholded
   * at this head's level, 0..1.
   */
  private ribbon(x: number, y: number, z: number): number {
    const q = this.ribbonWaves;
    let field = 0;
    for (let n = 0; n < q.length; n += 4) field += sin(q[n] * x + q[n + 1] * y + q[n + 2] * z + q[n + 3]);
    return ramp(field * RIBBON_NORM - this.ribbonLevel, 1);
  }

  /**
   * Lateral ventricles (curved, size from atrophy); sets `ventricleCsf` and the periventricular leukoaraiosis band
   * `ventricleBand` (scratch fields rather than a returned object: this runs for every voxel).
   */
  private ventricleCsf = 0;
  private ventricleBand = 0;
  /** The border widths of the current sample() call (a scratch field too). */
  private edges: BorderWidths = POINT_BORDERS;
  private ventricles(x: number, y: number, z: number): void {
    const s = this.ventricleScale;
    const side = abs(x) - 6.5 * s;
    const lift = z - (9 - 0.008 * y * y);
    const u = side / (4 * s);
    const v = y / (22 * (0.8 + 0.2 * s));
    const w = lift / (6.5 * s);
    const r = sqrt(u * u + v * v + w * w);
    this.ventricleCsf = ramp((1 - r) * 4 * s, this.edges.w12);
    this.ventricleBand = r > 1 && this.leukoaraiosis > 0 ? this.leukoaraiosis * ramp(1.8 - r, 0.8) : 0;
  }

  /** Basal ganglia and thalami, a little darker than cortex on every sequence (partial grey). */
  private deepGrey(x: number, y: number, z: number): number {
    const side = abs(x);
    let best = 0;
    for (let n = 0; n < DEEP_GREY.length; n += 6) {
      const u = (side - DEEP_GREY[n]) / DEEP_GREY[n + 3];
      const v = (y - DEEP_GREY[n + 1]) / DEEP_GREY[n + 4];
      const w = (z - DEEP_GREY[n + 2]) / DEEP_GREY[n + 5];
      const r = sqrt(u * u + v * v + w * w);
      if (r < 1.3) best = max(best, ramp((1 - r) * DEEP_GREY[n + 3], this.edges.w15));
    }
    return best;
  }
}

const FOLD_WAVES = 5;
const RIBBON_WAVES = 3;
const RIBBON_NORM = 1 / sqrt(RIBBON_WAVES / 2);
const TEXTURE_WAVES = 4;
const TEXTURE_NORM = 1 / sqrt(TEXTURE_WAVES / 2);
/** The brain is flatter below its centre (skull base) than above. */
const LOWER_FLATTENING = 0.85;
/** Scales the sum of FOLD_WAVES unit sines to unit variance. */
const FOLD_NORM = 1 / sqrt(FOLD_WAVES / 2);

/** Per nucleus: centre x (mirrored), y, z, then semi-axes x, y, z in mm: putamen/caudate block, thalamus. */
const DEEP_GREY = [17, 6, 0, 6, 12, 8, 9, -14, 2, 6, 9, 7];
