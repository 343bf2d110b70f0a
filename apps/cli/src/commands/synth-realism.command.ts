import { writeFile } from 'node:fs/promises';
import { findCaseFiles } from '@fedstroke/inference';
import { isSameGrid, readNifti, voxelVolumeMl } from '@fedstroke/nifti';
import {
  artefactOverlayPng,
  checkRealism,
  realismChartSvg,
  susceptibilityArtefactRegions,
  volumeInsideOutside,
  type RealismReport,
} from '@fedstroke/synth';
import { InvalidArgumentError } from '@fedstroke/common';
import type { Command } from 'commander';
import { DEFAULT_DATA_DIR } from './train.command';

interface RealismFlags {
  data: string;
  real: string;
  svg?: string;
  pred?: string;
  png?: string;
  json?: boolean;
}

interface PredictionCheck {
  file: string;
  insideArtefactsMl: number;
  outsideArtefactsMl: number;
}

export function registerSynthRealismCommand(program: Command): void {
  program
    .command('synth-realism')
    .description(
      'Compare a synthetic dataset with a real case: within-brain histograms of DWI (over its brain median) and ADC ' +
        '(10^-3 mm²/s) per center and their overlap with the real case, the best simple threshold rule on the ' +
        "synthetic set (DWI z ≥ a, and ADC z ≤ b), and the real case's susceptibility-artefact regions; with --pred, " +
        'the predicted lesion volume inside and outside those regions.',
    )
    .option('--data <dir>', 'synthetic dataset', DEFAULT_DATA_DIR)
    .requiredOption('--real <dir>', "a real case folder with *_dwi and *_adc (e.g. an ISLES'22 case)")
    .option('--svg <file>', 'write the histogram figure (two panels: DWI, ADC)')
    .option('--pred <mask>', 'a lesion mask predicted on the real case (its DWI grid)')
    .option(
      '--png <file>',
      "write the real case's artefact slices: DWI, the artefact regions outlined in amber, --pred's mask in red",
    )
    .option('--json', 'print the figures as JSON on stdout')
    .action(async (flags: RealismFlags) => {
      const real = await findCaseFiles(flags.real);
      const report = await checkRealism(flags.data, real);
      const prediction = flags.pred ? await checkPrediction(flags.pred, real) : undefined;
      if (flags.png) await writeArtefactOverlay(flags.png, real, flags.pred);
      if (flags.svg) await writeFile(flags.svg, `${realismChartSvg(report)}\n`);
      if (flags.json) {
        const { thresholdRule, ...rest } = report;
        const rule = (r: RealismReport['thresholdRule']['dwiOnly']) => ({
          dwiZ: r.dwiZ,
          adcZ: r.adcZ,
          meanDice: r.meanDice,
        });
        const figures = {
          ...rest,
          thresholdRule: {
            cases: thresholdRule.cases,
            dwiOnly: rule(thresholdRule.dwiOnly),
            dwiAndAdc: rule(thresholdRule.dwiAndAdc),
          },
          prediction,
        };
        process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
      } else process.stdout.write(describe(report, prediction));
    });
}

/** The real case, its artefact regions, and the predicted mask (checked to be on its DWI grid) when given. */
async function readRealCase(real: { dwi: string; adc: string }, predFile?: string) {
  const [dwi, adc, mask] = await Promise.all([
    readNifti(real.dwi),
    readNifti(real.adc),
    predFile ? readNifti(predFile) : Promise.resolve(null),
  ]);
  if (mask && !isSameGrid(mask, dwi))
    throw new InvalidArgumentError(
      `--pred ${predFile}: not on the real case's DWI grid (${dwi.shape.join('×')}, its affine)`,
    );
  return { dwi, mask, regions: susceptibilityArtefactRegions(dwi, adc.data) };
}

async function checkPrediction(file: string, real: { dwi: string; adc: string }): Promise<PredictionCheck> {
  const { dwi, mask, regions } = await readRealCase(real, file);
  const { insideMl, outsideMl } = volumeInsideOutside(mask!.data, regions.mask, voxelVolumeMl(dwi));
  return { file, insideArtefactsMl: insideMl, outsideArtefactsMl: outsideMl };
}

async function writeArtefactOverlay(file: string, real: { dwi: string; adc: string }, predFile?: string) {
  const { dwi, mask, regions } = await readRealCase(real, predFile);
  await writeFile(file, artefactOverlayPng(dwi, regions, mask?.data ?? null));
}

function describe(report: RealismReport, prediction?: PredictionCheck): string {
  const lines = ['histogram overlap with the real case (1 = identical):'];
  for (const s of report.synthetic)
    lines.push(`  ${s.label} (${s.cases} cases): DWI ${s.dwiOverlap.toFixed(3)}, ADC ${s.adcOverlap.toFixed(3)}`);
  const rule = report.thresholdRule;
  lines.push(
    `best threshold rule on ${rule.cases} synthetic cases (mean Dice): DWI z ≥ ${rule.dwiOnly.dwiZ}: ` +
      `${rule.dwiOnly.meanDice.toFixed(3)}; DWI z ≥ ${rule.dwiAndAdc.dwiZ} and ADC z ≤ ${rule.dwiAndAdc.adcZ ?? '∞'}: ` +
      `${rule.dwiAndAdc.meanDice.toFixed(3)}`,
  );
  const artefacts = report.real.artefacts;
  lines.push(
    `susceptibility-artefact regions of the real case (parenchyma DWI median ${artefacts.parenchymaDwiMedian.toFixed(1)}, ` +
      `ADC median ${artefacts.parenchymaAdcMedian.toFixed(3)}):`,
  );
  for (const r of artefacts.regions)
    lines.push(
      `  ${r.volumeMl.toFixed(2)} mL at voxel (${r.centroid.map((c) => c.toFixed(0)).join(', ')}), ` +
        `DWI ${r.dwiRatio.toFixed(2)} × median, ADC ${r.adc.toFixed(3)}`,
    );
  if (prediction)
    lines.push(
      `prediction ${prediction.file}: ${prediction.insideArtefactsMl.toFixed(2)} mL inside the artefact regions, ` +
        `${prediction.outsideArtefactsMl.toFixed(2)} mL outside`,
    );
  return `${lines.join('\n')}\n`;
}
