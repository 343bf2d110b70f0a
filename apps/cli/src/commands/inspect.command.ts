import * as fs from 'node:fs/promises';
import { InvalidArgumentError } from '@fedstroke/common';
import {
  CaseDescription,
  describeCase,
  describeMask,
  describeVolume,
  findCaseFiles,
  findCaseInDataset,
  modalityOf,
  VolumeDescription,
} from '@fedstroke/isles';
import type { Command } from 'commander';

interface InspectFlags {
  root?: string;
  json?: boolean;
}

const fixed = (values: readonly number[], digits = 3) => values.map((v) => v.toFixed(digits)).join(' x ');

function volumeLines(label: string, d: VolumeDescription): string[] {
  return [
    `${label}: ${d.path}`,
    `  shape ${d.shape.join(' x ')}${d.frames > 1 ? ` x ${d.frames} frames` : ''}, spacing ${fixed(d.spacing)} mm, ${d.datatype}, NIfTI-${d.niftiVersion}`,
    `  affine from ${d.affineSource} (sform_code ${d.sformCode}, qform_code ${d.qformCode}):`,
    ...d.affine.map((row) => `    [${row.map((v) => v.toFixed(4).padStart(11)).join(' ')} ]`),
    `  values ${d.range.min} .. ${d.range.max}, ${d.nonzeroVoxels} non-zero voxel(s)${d.nanVoxels ? `, ${d.nanVoxels} NaN` : ''}`,
  ];
}

function caseLines(c: CaseDescription): string[] {
  const lines = [`case ${c.id} (${c.folder})`];
  if (c.missing.length) lines.push(`  missing: ${c.missing.join(', ')}`);
  for (const [modality, files] of Object.entries(c.duplicates))
    lines.push(`  several ${modality} files: ${files!.join(', ')}`);
  for (const [label, d] of [
    ['DWI', c.dwi],
    ['ADC', c.adc],
    ['FLAIR', c.flair],
    ['mask', c.mask],
  ] as const)
    if (d) lines.push(...volumeLines(label, d));
  const grid = Object.entries(c.onDwiGrid).map(([k, same]) => `${k} ${same ? 'on' : 'NOT on'} the DWI grid`);
  if (grid.length) lines.push(`  ${grid.join('; ')}`);
  if (c.mask)
    lines.push(
      `  lesion: ${c.mask.lesionVoxels} voxel(s), ${c.mask.lesionVolumeMl.toFixed(3)} mL, ${c.mask.lesionCount} lesion(s) (26-connected)` +
        (c.mask.binary ? '' : ' — mask is NOT binary; counted voxels > 0'),
    );
  return lines;
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description(
      'Describe a NIfTI file (shape, spacing, datatype, affine, sform/qform codes, value range), or an ISLES case: ' +
        'a case folder, a dataset root plus a case id, or --root DIR CASEID (modalities, grids, and for the mask its ' +
        'voxel count, volume in mL and 26-connected lesion count).',
    )
    .argument('<path>', 'a .nii/.nii.gz file, a case folder, a dataset root, or (with --root) a case id')
    .argument('[caseId]', 'case id inside the dataset root given as <path>')
    .option('--root <dir>', 'dataset root; <path> is then a case id')
    .option('--json', 'print JSON on stdout')
    .action(async (target: string, caseId: string | undefined, flags: InspectFlags) => {
      const print = (json: unknown, lines: string[]): void => {
        process.stdout.write(flags.json ? `${JSON.stringify(json, null, 2)}\n` : `${lines.join('\n')}\n`);
      };
      if (flags.root) {
        const c = await describeCase(await findCaseInDataset(flags.root, target));
        return print(c, caseLines(c));
      }
      const stat = await fs.stat(target).catch(() => null);
      if (!stat) throw new InvalidArgumentError(`inspect: ${target} does not exist; expected a NIfTI file or a folder`);
      if (stat.isFile()) {
        const d = modalityOf(target) === 'msk' ? await describeMask(target) : await describeVolume(target);
        return print(d, volumeLines('file', d));
      }
      const found = caseId ? await findCaseInDataset(target, caseId) : await findCaseFiles(target);
      if (!caseId && Object.keys(found.files).length === 0)
        throw new InvalidArgumentError(
          `inspect: ${target} holds no *_dwi/_adc/_FLAIR/_msk NIfTI files; for a dataset root pass a case id too`,
        );
      const c = await describeCase(found);
      print(c, caseLines(c));
    });
}
