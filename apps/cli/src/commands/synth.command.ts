import { InvalidArgumentError } from '@fedstroke/common';
import type { Vec3 } from '@fedstroke/nifti';
import { generateDataset, SYNTH_DEFAULTS } from '@fedstroke/synth';
import type { Command } from 'commander';

interface SynthFlags {
  out: string;
  cases: string;
  sites: string;
  seed: string;
  shape?: string[];
  spacing?: string[];
  force?: boolean;
  json?: boolean;
}

function integerFlag(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`--${name} must be an integer, got "${text}"`);
  return value;
}

function tripleFlag(name: string, texts: string[] | undefined): Vec3 | undefined {
  if (texts === undefined) return undefined;
  const values = texts.map(Number);
  if (values.length !== 3 || values.some((v) => !Number.isFinite(v)))
    throw new InvalidArgumentError(`--${name} takes three numbers (x y z), got "${texts.join(' ')}"`);
  return values as Vec3;
}

export function registerSynthCommand(program: Command): void {
  program
    .command('synth')
    .description(
      "Write a synthetic ISLES-like multi-center stroke MRI dataset in the ISLES'22 layout: DWI and ADC on one grid, " +
        'FLAIR in its own tilted anisotropic space, lesion masks, participants.tsv and site-map.json. ' +
        'Deterministic: the same options give byte-identical files.',
    )
    .requiredOption('--out <dir>', 'dataset root to create (rawdata/, derivatives/, …)')
    .option('--cases <n>', 'number of cases', String(SYNTH_DEFAULTS.cases))
    .option('--sites <n>', 'number of centers, each with its own scanner character', String(SYNTH_DEFAULTS.sites))
    .option('--seed <n>', 'random seed', String(SYNTH_DEFAULTS.seed))
    .option('--shape <n...>', `DWI grid shape nx ny nz (default ${SYNTH_DEFAULTS.shape.join(' ')})`)
    .option(
      '--spacing <mm...>',
      `base DWI spacing in mm (default ${SYNTH_DEFAULTS.spacing.join(' ')}; centers scale it)`,
    )
    .option('--force', 'replace an earlier synthetic dataset in --out')
    .option('--json', 'print the per-case summary as JSON on stdout')
    .action(async (flags: SynthFlags) => {
      const summary = await generateDataset({
        outDir: flags.out,
        cases: integerFlag('cases', flags.cases),
        sites: integerFlag('sites', flags.sites),
        seed: integerFlag('seed', flags.seed),
        shape: tripleFlag('shape', flags.shape),
        spacing: tripleFlag('spacing', flags.spacing),
        force: flags.force,
      });
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ root: summary.root, siteMap: summary.siteMap, cases: summary.cases }, null, 2)}\n`,
        );
        return;
      }
      const volumes = summary.cases.map((c) => c.lesionVolumeMl).sort((a, b) => a - b);
      const median = volumes[Math.floor(volumes.length / 2)];
      const perCenter = summary.centers.map(
        (center) => `${center.name} ${summary.cases.filter((c) => c.center === center.name).length}`,
      );
      process.stdout.write(
        `wrote ${summary.cases.length} cases to ${summary.root} (${perCenter.join(', ')}); lesion volume ` +
          `${volumes[0].toFixed(2)}–${volumes[volumes.length - 1].toFixed(1)} mL, median ${median.toFixed(2)} mL; ` +
          `FLAIR-visible ${summary.cases.filter((c) => c.flairVisible).length}\n`,
      );
    });
}
