import { join } from 'node:path';
import { InvalidArgumentError } from '@fedstroke/common';
import {
  DEFAULT_WINDOW,
  findCaseFiles,
  inspectStudy,
  loadSegmentationModel,
  loadStudy,
  segmentStudy,
  type SegmentationSummary,
  type StudyFiles,
  summarizeSegmentation,
  writeSegmentation,
} from '@fedstroke/inference';
import { loadArtifacts } from '@fedstroke/runtime';
import { ensureArtifacts } from '@fedstroke/unet';
import type { Command } from 'commander';
import { checkModelFlags, checkTrained, segmentModelSource } from './segment-model';

interface SegmentFlags {
  dwi?: string;
  adc?: string;
  flair?: string;
  case?: string;
  out: string;
  prob?: string;
  model?: string;
  config: string;
  artifacts: string;
  coordinator?: string;
  threads?: string;
  provider: string;
  window?: string;
  overlap: string;
  tta?: boolean;
  threshold: string;
  minLesionVoxels: string;
  maxVoxels?: string;
  allowUntrained?: boolean;
  json?: boolean;
}

type SegmentOutput = SegmentationSummary & { out: string; prob?: string; untrained: boolean; warnings: string[] };

export function registerSegmentCommand(program: Command): void {
  program
    .command('segment')
    .description(
      'Segment one study (DWI + ADC, FLAIR optional) and write a lesion mask on the DWI grid (same shape and affine). ' +
        'Inputs are checked before compute: readable 3-D files, DWI and ADC on one grid, sizes within limits; FLAIR ' +
        'is resampled into the DWI grid. Prints lesion volume, count, per-lesion volume and centroid (world mm), ' +
        'timings and QC warnings. A 3-channel model run without FLAIR gets a zero FLAIR channel and a QC warning.',
    )
    .option('--dwi <file>', 'DWI NIfTI (.nii or .nii.gz)')
    .option('--adc <file>', 'ADC NIfTI on the DWI grid')
    .option('--flair <file>', 'FLAIR NIfTI in any space (resampled into the DWI grid)')
    .option('--case <dir>', "an ISLES'22 case folder (*_dwi, *_adc, optional *_FLAIR), instead of --dwi/--adc/--flair")
    .requiredOption('--out <file>', 'mask to write (.nii.gz or .nii, uint8)')
    .option('--prob <file>', 'also write the probability map (float32)')
    .option(
      '--model <path|version>',
      "trained weights: a model export folder (`fedstroke export`, a simulate run's model/), a .safetensors " +
        'checkpoint, a raw float32 model version file, or a model version id fetched from --coordinator (token in ' +
        'FEDSTROKE_INFERENCE_TOKEN); required unless --allow-untrained',
    )
    .option(
      '--allow-untrained',
      "run untrained initial weights (the config's checkpoint when no --model is given); the output says so",
    )
    .option('--config <name>', 'model config (artifacts in <artifacts>/<name>, generated if absent)', 'bench')
    .option('--artifacts <dir>', 'root folder of the artifact folders', 'onnx-models')
    .option('--coordinator <url>', 'coordinator base URL for --model <version id>')
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: free cores, at most 4)')
    .option('--provider <name>', 'execution provider: cpu, cuda, webgpu', 'cpu')
    .option(
      '--window <edge>',
      'sliding-window edge: P (cube) or DxHxW (default: the patch the model records it was trained on, else ' +
        `${[DEFAULT_WINDOW].flat().join('x')})`,
    )
    .option('--overlap <fraction>', 'sliding-window overlap in [0, 1)', '0.5')
    .option('--tta', 'mirror test-time augmentation (8x the compute)')
    .option('--threshold <p>', 'lesion probability threshold', '0.5')
    .option('--min-lesion-voxels <n>', 'drop lesions smaller than this many voxels', '0')
    .option('--max-voxels <n>', 'refuse files with more voxels than this')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: SegmentFlags) => {
      const summary = await segment(flags);
      process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : describe(summary, flags));
    });
}

async function segment(flags: SegmentFlags): Promise<SegmentOutput> {
  checkModelFlags(flags, join(flags.artifacts, flags.config));
  const files = await studyFiles(flags);
  const limits = flags.maxVoxels === undefined ? {} : { maxVoxels: integer('--max-voxels', flags.maxVoxels, 1) };
  const options = {
    // Absent: segmentStudy runs the model at the patch it was trained on (modelWindow).
    ...(flags.window !== undefined && { window: parseWindow(flags.window) }),
    overlap: fraction('--overlap', flags.overlap, true),
    tta: Boolean(flags.tta),
    threshold: fraction('--threshold', flags.threshold, false),
    minLesionVoxels: integer('--min-lesion-voxels', flags.minLesionVoxels, 0),
    returnProbability: flags.prob !== undefined,
  };
  // Refused before any model is loaded: files that do not read, do not fit together or are no head.
  await inspectStudy(files, { limits });
  const artifactsDir = await ensureArtifacts(flags.artifacts, flags.config, flags.provider, (line: string) => {
    if (!flags.json) process.stderr.write(`${line}\n`);
  });
  const { manifest } = await loadArtifacts(artifactsDir);
  const model = await loadSegmentationModel(await segmentModelSource(flags, artifactsDir, manifest), {
    provider: flags.provider,
    intraOpNumThreads: flags.threads === undefined ? undefined : integer('--threads', flags.threads, 1),
  });
  try {
    checkTrained(model, flags);
    // The study goes through the preprocessing the model records, as its training cases did.
    const study = await loadStudy(files, model.preprocessing, { limits });
    const result = await segmentStudy(study, model, options);
    await writeSegmentation(result, flags.out, flags.prob);
    const { untrained } = result.model.training;
    return {
      ...summarizeSegmentation(result),
      out: flags.out,
      ...(flags.prob ? { prob: flags.prob } : {}),
      untrained,
      warnings: untrained
        ? ['UNTRAINED MODEL: segmented with untrained initial weights (--allow-untrained); the mask means nothing']
        : [],
    };
  } finally {
    await model.release();
  }
}

async function studyFiles(flags: SegmentFlags): Promise<StudyFiles> {
  if (flags.case !== undefined) {
    if (flags.dwi || flags.adc || flags.flair) {
      throw new InvalidArgumentError('--case DIR replaces --dwi/--adc/--flair; give one or the other');
    }
    return findCaseFiles(flags.case);
  }
  if (!flags.dwi || !flags.adc) {
    throw new InvalidArgumentError('give --dwi FILE and --adc FILE (and optionally --flair FILE), or --case DIR');
  }
  return { dwi: flags.dwi, adc: flags.adc, ...(flags.flair ? { flair: flags.flair } : {}) };
}

function describe(summary: SegmentOutput, flags: SegmentFlags): string {
  const t = summary.timings;
  const training = summary.model.training;
  const lines = [
    ...summary.warnings.map((w) => `WARNING ${w}`),
    `mask ${summary.out} (${summary.grid.shape.join('x')}, DWI affine)${summary.prob ? `, probabilities ${summary.prob}` : ''}`,
    `lesions: ${summary.lesionCount}, total ${summary.lesionVolumeMl.toFixed(2)} mL`,
    ...summary.lesions
      .slice(0, 10)
      .map(
        (l, i) =>
          `  #${i + 1}: ${l.volumeMl.toFixed(2)} mL (${l.voxels} voxels) at (${l.centroidMm.map((c) => c.toFixed(1)).join(', ')}) mm`,
      ),
    `model ${summary.model.config} ${summary.model.version} sha256 ${summary.model.sha256.slice(0, 16)}…` +
      `${flags.threads ? ` on ${flags.threads} thread(s)` : ''}`,
    `trained: ${describeTraining(training)}`,
    `time: load ${t.loadMs.toFixed(0)} ms, preprocess ${t.preprocessMs.toFixed(0)} ms, inference ${t.inferenceMs.toFixed(0)} ms, ` +
      `postprocess ${t.postprocessMs.toFixed(0)} ms, total ${t.totalMs.toFixed(0)} ms`,
    ...summary.qcWarnings.map((w) => `QC ${w.code}: ${w.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

function describeTraining(t: SegmentationSummary['model']['training']): string {
  if (t.untrained) return `no (${t.startedFrom ?? 'initial weights'})`;
  if (t.kind === 'unknown') return 'unknown (a weights file without a model export manifest)';
  const rounds = t.roundIndex !== null ? `round ${t.roundIndex}${t.rounds ? ` of ${t.rounds}` : ''}` : '';
  return `federation ${t.federationName ?? ''} (${t.federationId}), ${rounds}, ${t.strategy ?? ''}, data ${t.trainingData}`;
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new InvalidArgumentError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}

function fraction(flag: string, value: string, halfOpen: boolean): number {
  const n = Number(value);
  if (!(n >= 0 && (halfOpen ? n < 1 : n <= 1))) {
    throw new InvalidArgumentError(`${flag} must be a number in [0, 1${halfOpen ? ')' : ']'}, got "${value}"`);
  }
  return n;
}

function parseWindow(value: string): number | [number, number, number] {
  const parts = value.split('x').map(Number);
  if ((parts.length === 1 || parts.length === 3) && parts.every((p) => Number.isSafeInteger(p) && p > 0)) {
    return parts.length === 1 ? parts[0] : (parts as [number, number, number]);
  }
  throw new InvalidArgumentError(`--window must be P or DxHxW (positive integers), got "${value}"`);
}
