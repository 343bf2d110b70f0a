import type { Random } from '@fedstroke/common';
import type { Vec3 } from '@fedstroke/nifti';

// Math's functions as module constants: hot loops then skip a global lookup per call, which is slow inside
// vm contexts (jest runs every test file in one) and free everywhere else.
const { exp } = Math;

/** One pile-up spot: a Gaussian of `radius` mm (standard deviation) around `centre`, peak weight `weight`. */
interface Hotspot {
  centre: Vec3;
  radius: number;
  weight: number;
}

/**
 * EPI susceptibility artefacts at the air-bone interfaces of the skull base: signal piles up at both temporal poles
 * (above the mastoid and sphenoid air) and, in about half the heads, in the orbitofrontal cortex above the frontal
 * sinus. The b=0 and the b=1000 image pile up about alike, but not in the same place: the diffusion gradients'
 * eddy currents displace the b-image's pile-up along the phase-encoding axis by a few millimetres (the b=0 image's
 * is sampled displaced, Tissue.SusceptibilityB0). So DWI is bright while the ADC, their log ratio, is near normal at
 * the centre and swings low on one flank and high on the other (in the real ISLES'22 case 7-13% of the artefact's
 * voxels have an ADC below 0.85 × the parenchyma's): a model has to learn that "bright on DWI" with a patchy ADC at
 * the skull base is not an infarct. Positions are fractions of the
 * brain's semi-axes, read off the real ISLES'22 case (temporal artefacts at ±0.75 of the half-width, a fifth of the
 * half-length in front of the centre, 0.6 of the lower half-height down).
 */
export class SkullBaseArtefacts {
  private readonly hotspots: Hotspot[] = [];

  constructor(random: Random, axes: Vec3, lowerHalfHeight: number, strength: number) {
    const temporal = random.range(0.7, 1);
    for (const side of [-1, 1])
      this.hotspots.push({
        centre: [
          side * axes[0] * random.range(0.66, 0.74),
          axes[1] * random.range(0.12, 0.24),
          -lowerHalfHeight * random.range(0.5, 0.6),
        ],
        radius: random.range(6, 9),
        // The two sides differ (head tilt, asymmetric pneumatisation).
        weight: strength * temporal * random.range(0.75, 1),
      });
    if (random.chance(0.5))
      this.hotspots.push({
        centre: [
          axes[0] * random.range(-0.1, 0.1),
          axes[1] * random.range(0.74, 0.82),
          -lowerHalfHeight * random.range(0.2, 0.35),
        ],
        radius: random.range(5, 8),
        weight: strength * random.range(0.3, 0.8),
      });
  }

  /**
   * Pile-up weight at brain-local (x, y, z) mm, 0..1 (times the head's strength): the hotspots' Gaussians, in the
   * cortex and the white matter under it (`depth` 2-7 mm below the surface, fading to nothing at 0 and 11 mm),
   * where the displaced signal lands: parenchyma, so the ADC there is the parenchyma's, not the surface CSF's.
   */
  weight(x: number, y: number, z: number, depth: number): number {
    if (depth > 11 || depth <= 0) return 0;
    let total = 0;
    for (const h of this.hotspots) {
      const dx = x - h.centre[0];
      const dy = y - h.centre[1];
      const dz = z - h.centre[2];
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 < 16 * h.radius * h.radius) total += h.weight * exp(-d2 / (2 * h.radius * h.radius));
    }
    const shell = depth < 2 ? depth / 2 : depth <= 7 ? 1 : (11 - depth) / 4;
    return total * shell;
  }
}
