import { writeFile } from 'node:fs/promises';
import { findCaseFiles } from '@fedstroke/inference';
import { isSameGrid, readNifti, voxelVolumeMl, type Volume } from '@fedstroke/nifti';
import {
  artefactOverlayPng,
  checkRealism,
  readRealCase,
  type RealCase,
  realismChartSvg,
  volumeInsideOutside,
  type RealismReport,
  type AdcProfileBin,
} from '@fedstroke/synth';
import { formatTable } from '@fedstroke/report';
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
      // Read once, its artefact regions found once: for the report, the volumes and the picture alike.
      const real = await readRealCase(await findCaseFiles(flags.real));
      const report = await checkRealism(flags.data, real);
      const mask = flags.pred ? await readPrediction(flags.pred, real.dwi) : null;
      const prediction = flags.pred && mask ? checkPrediction(flags.pred, real, mask) : undefined;
      if (flags.png) await writeFile(flags.png, artefactOverlayPng(real.dwi, real.regions, mask?.data ?? null));
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

/** The predicted mask, checked to be on the real case's DWI grid. */
async function readPrediction(file: string, dwi: Volume): Promise<Volume> {
  const mask = await readNifti(file);
  if (!isSameGrid(mask, dwi))
    throw new InvalidArgumentError(
      `--pred ${file}: not on the real case's DWI grid (${dwi.shape.join('×')}, its affine)`,
    );
  return mask;
}

function checkPrediction(file: string, real: RealCase, mask: Volume): PredictionCheck {
  const { insideMl, outsideMl } = volumeInsideOutside(mask.data, real.regions.mask, voxelVolumeMl(real.dwi));
  return { file, insideArtefactsMl: insideMl, outsideArtefactsMl: outsideMl };
}

function profileCell(bin: AdcProfileBin): string {
  if (bin.voxels === 0) return 'none';
  const f = (v: number | null) => (v as number).toFixed(2);
  return `${f(bin.adcP10)} / ${f(bin.adcMedian)} / ${f(bin.adcP90)}, ${(100 * (bin.shareRestricted as number)).toFixed(0)}%, ${bin.voxels}`;
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
  lines.push(
    'ADC inside the artefact regions over the parenchymal median, by DWI over its median ' +
      '(p10 / median / p90, share below 0.85, voxels; synthetic: the same rule per case, lesions left out):',
  );
  lines.push(
    formatTable(
      ['DWI', 'real case', ...report.synthetic.map((s) => s.label)],
      report.real.artefactAdc.map((bin, b) => [
        bin.dwiTo === null ? `≥ ${bin.dwiFrom}` : `${bin.dwiFrom}-${bin.dwiTo}`,
        profileCell(bin),
        ...report.synthetic.map((s) => profileCell(s.artefactAdc[b])),
      ]),
    )
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n'),
  );
  if (prediction)
    lines.push(
      `prediction ${prediction.file}: ${prediction.insideArtefactsMl.toFixed(2)} mL inside the artefact regions, ` +
        `${prediction.outsideArtefactsMl.toFixed(2)} mL outside`,
    );
  return `${lines.join('\n')}\n`;
}
