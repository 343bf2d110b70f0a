/**
 * The lines a simulation prints under its summary table about the learning options it ran with: each approach's
 * chosen detection settings with the test figures they changed, and each site's personalised model beside the
 * global model on that site's validation split.
 */
import type { ApproachResult } from '@fedstroke/report';

export function learningNotes(approaches: readonly ApproachResult[]): string[] {
  const lines: string[] = [];
  for (const a of approaches) {
    const d = a.detection;
    if (d) {
      const t = a.test.summary;
      lines.push(
        `${a.name}: threshold ${d.threshold}, lesions ≥ ${d.minLesionVoxels} voxels (chosen on ${d.chosenOn}); test ` +
          `Dice ${t.dice.mean.toFixed(3)} (${d.defaultsTest.dice.mean.toFixed(3)} at 0.5 / none), lesion F1 ` +
          `${t.lesionF1.mean.toFixed(3)} (${d.defaultsTest.lesionF1.mean.toFixed(3)}), ALD ${t.ald.mean.toFixed(2)} ` +
          `(${d.defaultsTest.ald.mean.toFixed(2)})`,
      );
    }
    for (const p of a.personalised ?? []) {
      const global = a.validation.perSite.find((s) => s.site === p.site)?.summary.dice.mean;
      lines.push(
        `${a.name}, ${p.site}: personalised model (own InstanceNorm parameters) validation Dice ` +
          `${p.summary.dice.mean.toFixed(3)}, the global model ${global === undefined ? '-' : global.toFixed(3)}`,
      );
    }
  }
  return lines;
}
