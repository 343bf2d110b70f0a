import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@fedstroke/common';
import type { Command } from 'commander';
import { renderHuman, toCsv } from '../evaluate/evaluate-report';
import { runEvaluate, type EvaluateOptions } from '../evaluate/evaluate.service';
import { DEFAULT_GRID_TOLERANCE } from '../evaluate/mask-grid';

export { runEvaluate } from '../evaluate/evaluate.service';

interface EvaluateFlags {
  pred?: string;
  gt?: string;
  predDir?: string;
  gtDir?: string;
  json?: boolean;
  csv?: string;
  gridTolerance: string;
}

/** Exactly one of the two modes, with both of its paths. */
function optionsFrom(flags: EvaluateFlags): EvaluateOptions {
  const gridTolerance = Number(flags.gridTolerance);
  const pairFlags = flags.pred !== undefined || flags.gt !== undefined;
  const setFlags = flags.predDir !== undefined || flags.gtDir !== undefined;
  if (pairFlags && setFlags) {
    throw new InvalidArgumentError('use either --pred/--gt (one pair) or --pred-dir/--gt-dir (a set), not both');
  }
  if (flags.pred !== undefined && flags.gt !== undefined) return { pred: flags.pred, gt: flags.gt, gridTolerance };
  if (flags.predDir !== undefined && flags.gtDir !== undefined) {
    return { predDir: flags.predDir, gtDir: flags.gtDir, gridTolerance, showProgress: !flags.json };
  }
  throw new InvalidArgumentError(
    setFlags
      ? '--pred-dir and --gt-dir go together: give both folders'
      : 'give --pred P.nii.gz with --gt G.nii.gz, or --pred-dir with --gt-dir',
  );
}

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description(
      "ISLES'22 metrics of predicted lesion masks against ground truth: Dice, AVD (mL), ALD, lesion-wise F1 " +
        '(26-connected lesions). Prediction voxels > 0.5 are lesion. Folders pair files by case id: the sub-<label> prefix, ' +
        'else the identical file name.',
    )
    .option('--pred <file>', 'predicted mask or probability map in [0, 1] (.nii / .nii.gz), lesion where > 0.5')
    .option('--gt <file>', 'ground-truth binary mask (0/1) on the same grid')
    .option('--pred-dir <dir>', 'folder of predicted masks (searched recursively)')
    .option('--gt-dir <dir>', 'folder of ground-truth masks, e.g. ISLES derivatives/')
    .option('--json', 'print one JSON object on stdout instead of tables')
    .option('--csv <file>', 'also write the per-case rows to this CSV file')
    .option(
      '--grid-tolerance <value>',
      'largest affine difference still taken as the same grid',
      String(DEFAULT_GRID_TOLERANCE),
    )
    .action(async (flags: EvaluateFlags) => {
      const result = await runEvaluate(optionsFrom(flags));
      if (flags.csv !== undefined) {
        await writeFile(flags.csv, toCsv(result.mode === 'pair' ? [result.case] : result.cases));
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        if (result.mode === 'set') {
          const { predOnly, gtOnly } = result.unmatched;
          for (const path of predOnly) process.stderr.write(`fedstroke evaluate: no ground truth for ${path}\n`);
          for (const path of gtOnly) process.stderr.write(`fedstroke evaluate: no prediction for ${path}\n`);
        }
      } else {
        process.stdout.write(`${renderHuman(result)}\n`);
      }
    });
}
