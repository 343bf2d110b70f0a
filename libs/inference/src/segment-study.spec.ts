import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultPreprocessing } from '@fedstroke/isles';
import { maxAffineDifference, readNifti, readNiftiHeader } from '@fedstroke/nifti';
import { loadArtifacts, UNKNOWN_PROVENANCE } from '@fedstroke/runtime';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import { referenceHeader } from '@fedstroke/nifti/testing';
import { SegmentationAbortedError, SegmentationModelError, StudyInputError } from './errors';
import { loadStudy, type Study } from './load-study';
import { loadSegmentationModel, type SegmentationModel } from './segmentation-model';
import { DEFAULT_WINDOW, modelWindow, segmentStudy } from './segment-study';
import { CASE_ADC, CASE_DWI } from './testing/bad-studies';
import { writeSegmentation } from './write-segmentation';

const ARTIFACTS_ROOT = resolve(__dirname, '../../../onnx-models');

let dir: string;
let artifactsDir: string;
let study: Study;
let model: SegmentationModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedstroke-segment-'));
  artifactsDir = join(ARTIFACTS_ROOT, 'tiny');
  const present = await access(join(artifactsDir, 'manifest.json')).then(
    () => true,
    () => false,
  );
  if (!present) await writeArtifacts(ARTIFACTS_ROOT, namedConfig('tiny'), 0);
  model = await loadSegmentationModel({ artifactsDir }, { intraOpNumThreads: 1 });
  study = await loadStudy({ dwi: CASE_DWI, adc: CASE_ADC }, model.preprocessing);
});
afterAll(async () => {
  await model.release();
  await rm(dir, { recursive: true, force: true });
});

/** A copy of the tiny artifacts whose manifest records `preprocessing` (or none, for `undefined`). */
async function tinyWith(name: string, preprocessing: unknown): Promise<string> {
  const copy = join(dir, name);
  await cp(artifactsDir, copy, { recursive: true });
  const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'));
  if (preprocessing === undefined) delete manifest.preprocessing;
  else manifest.preprocessing = preprocessing;
  await writeFile(join(copy, 'manifest.json'), JSON.stringify(manifest));
  return copy;
}

describe('segmentStudy (tiny model, real ISLES22 case)', () => {
  it('returns a mask on the DWI grid with figures that agree with its voxels, and writes it with the DWI affine', async () => {
    const result = await segmentStudy(study, model, { returnProbability: true, window: 48 });
    expect(result.mask.shape).toEqual([112, 112, 73]);
    const ones = result.mask.data.reduce((n, v) => n + v, 0);
    expect(result.lesions.reduce((n, l) => n + l.voxels, 0)).toBe(ones);
    expect(result.lesionCount).toBe(result.lesions.length);
    const voxelMl = result.lesionVolumeMl / Math.max(ones, 1);
    if (ones > 0) expect(voxelMl).toBeCloseTo(0.008, 6); // 2 mm isotropic
    expect(result.model).toEqual({
      version: 'tiny/checkpoint',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      config: 'tiny',
      training: expect.objectContaining({ kind: 'initial', untrained: true }),
    });
    expect(result.qcWarnings.map((w) => w.code)).toEqual(['FLAIR_MISSING', 'FLAIR_ZERO_FILLED']);
    for (const key of ['loadMs', 'preprocessMs', 'inferenceMs', 'postprocessMs', 'totalMs'] as const) {
      expect(result.timings[key]).toBeGreaterThanOrEqual(0);
    }
    // Outside the brain's bounding box the probability is exactly 0: the crop was pasted back in place.
    expect(result.prob!.data[0]).toBe(0);

    const maskPath = join(dir, 'mask.nii.gz');
    await writeSegmentation(result, maskPath, join(dir, 'prob.nii.gz'));
    const written = await readNifti(maskPath);
    const dwi = await readNifti(CASE_DWI);
    expect(written.shape).toEqual(dwi.shape);
    expect(maxAffineDifference(written.affine, dwi.affine)).toBeLessThan(1e-4);
    expect(written.datatype).toBe('uint8');
    expect(Array.from(written.data)).toEqual(Array.from(result.mask.data));
    // The header's description names the model, so a file found later says what made it.
    expect((await readNiftiHeader(maskPath)).description).toBe(
      `fedstroke tiny sha ${result.model.sha256.slice(0, 12)} UNTRAINED undeclared`,
    );
  });

  it("excludes every voxel outside the brain from mask and probabilities, and writes the DWI's xform codes, an intent and the display range", async () => {
    // Threshold 0: every voxel the network sees as lesion at all; only the brain may remain.
    const result = await segmentStudy(study, model, { returnProbability: true, threshold: 0, window: 48 });
    const dwi = await readNifti(CASE_DWI);
    let brain = 0;
    let outside = 0;
    for (let i = 0; i < dwi.data.length; i++) {
      if (dwi.data[i] !== 0) brain++;
      else if (result.mask.data[i] !== 0 || result.prob!.data[i] !== 0) outside++;
    }
    expect(outside).toBe(0);
    expect(result.mask.data.reduce((n, v) => n + v, 0)).toBe(brain);

    const maskPath = join(dir, 'brain-mask.nii.gz');
    const probPath = join(dir, 'brain-prob.nii.gz');
    await writeSegmentation(result, maskPath, probPath);
    // Read back by an independent reader. The fixture's DWI has sform_code 1 (scanner) and qform_code 2.
    expect(referenceHeader(maskPath)).toMatchObject({
      datatypeCode: 2,
      sformCode: 1,
      qformCode: 2,
      intentCode: 1002,
      intentName: 'lesion mask',
      calMin: 0,
      calMax: 1,
    });
    expect(referenceHeader(probPath)).toMatchObject({ datatypeCode: 16, sformCode: 1, calMin: 0, calMax: 1 });
  });

  it('takes a model version as raw float32 weights and reports the same sha256 as for the checkpoint', async () => {
    const raw = join(dir, 'version.f32');
    const weights = (await loadArtifacts(artifactsDir)).initialParameters;
    await writeFile(raw, new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
    const fromRaw = await loadSegmentationModel({ artifactsDir, weights: raw }, { intraOpNumThreads: 1 });
    try {
      expect(fromRaw.info).toEqual({ ...model.info, version: 'version.f32' });
    } finally {
      await fromRaw.release();
    }
    await writeFile(raw, new Uint8Array(12));
    await expect(loadSegmentationModel({ artifactsDir, weights: raw })).rejects.toThrow(/12 bytes, model "tiny" needs/);
  });

  it('runs a model at the patch it records it was trained on unless told otherwise, else at the default window', async () => {
    const recorded = await loadSegmentationModel(
      { artifactsDir, training: { ...UNKNOWN_PROVENANCE, trainingPatch: [48, 48, 48] } },
      { intraOpNumThreads: 1 },
    );
    try {
      expect(modelWindow(recorded.info)).toEqual([48, 48, 48]);
      expect(modelWindow(model.info)).toEqual([...DEFAULT_WINDOW]);
      const prob = async (m: SegmentationModel, window?: number) =>
        (await segmentStudy(study, m, { returnProbability: true, ...(window && { window }) })).prob!.data;
      const atRecorded = await prob(recorded);
      expect(Buffer.from(atRecorded.buffer).equals(Buffer.from((await prob(model, 48)).buffer))).toBe(true);
      // Without a record: the shipped default window, whose windows (and so InstanceNorm statistics) differ.
      const atDefault = await prob(model);
      expect(Buffer.from(atDefault.buffer).equals(Buffer.from(atRecorded.buffer))).toBe(false);
      // The caller's window wins over the record.
      expect(Buffer.from((await prob(recorded, 32)).buffer).equals(Buffer.from((await prob(model, 32)).buffer))).toBe(
        true,
      );
    } finally {
      await recorded.release();
    }
  });

  it('stops between windows when its signal aborts (a job timeout)', async () => {
    const controller = new AbortController();
    const run = segmentStudy(study, model, {
      window: 32,
      onProgress: (done) => {
        if (done === 2) controller.abort(new Error('job timed out after 1 ms'));
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toBeInstanceOf(SegmentationAbortedError);
  });

  it('refuses a sliding window that would take more runs than the limit, before the first run', async () => {
    const onProgress = jest.fn();
    const run = segmentStudy(study, model, { window: 16, overlap: 0.9, tta: true, onProgress });
    await expect(run).rejects.toBeInstanceOf(StudyInputError);
    await expect(run).rejects.toMatchObject({ code: 'STUDY_TOO_MANY_WINDOWS' });
    await expect(run).rejects.toThrow(
      /take \d+ network runs at window 16x16x16 with 8-fold TTA, more than the limit of 2048/,
    );
    expect(onProgress).not.toHaveBeenCalled();
  });
});

describe("the model's recorded preprocessing, checked at inference", () => {
  it('serves a model trained with another margin with that margin, and refuses a study prepared otherwise', async () => {
    const margin4 = {
      ...defaultPreprocessing(3),
      steps: [{ name: 'crop-to-brain', marginVoxels: 4 }, { name: 'zscore-within-brain' }],
    };
    const other = await loadSegmentationModel({ artifactsDir: await tinyWith('tiny-margin4', margin4) });
    try {
      expect(other.preprocessing.steps[0]).toEqual({ name: 'crop-to-brain', marginVoxels: 4 });
      const wide = await loadStudy({ dwi: CASE_DWI, adc: CASE_ADC }, other.preprocessing);
      expect(wide.shape.every((n, axis) => n >= study.shape[axis])).toBe(true);
      await expect(segmentStudy(study, other)).rejects.toThrow(SegmentationModelError);
      await expect(segmentStudy(study, other)).rejects.toThrow(
        /prepared with dwi, adc, flair; crop-to-brain \(margin 2 voxels\).*trained with .*crop-to-brain \(margin 4 voxels\)/,
      );
    } finally {
      await other.release();
    }
  });

  it('refuses to serve a model whose preprocessing it cannot reproduce', async () => {
    const unknown = { ...defaultPreprocessing(3), steps: [{ name: 'resample-to-spacing', targetMm: [1, 1, 1] }] };
    const attempt = loadSegmentationModel({ artifactsDir: await tinyWith('tiny-resampled', unknown) });
    await expect(attempt).rejects.toThrow(SegmentationModelError);
    await expect(attempt).rejects.toThrow(
      /model "tiny" cannot be served: .*preprocessing step 0 is \{"name":"resample-to-spacing".*cannot apply/,
    );
  });

  it('serves a model whose manifest records no preprocessing with the default, and says so in every result', async () => {
    const legacy = await loadSegmentationModel({ artifactsDir: await tinyWith('tiny-legacy', undefined) });
    try {
      const result = await segmentStudy(study, legacy, { window: 48 });
      expect(result.qcWarnings.map((w) => w.code)).toEqual([
        'FLAIR_MISSING',
        'FLAIR_ZERO_FILLED',
        'MODEL_PREPROCESSING_UNRECORDED',
      ]);
      expect(result.qcWarnings[2].message).toMatch(
        /does not record .* assumed this version's default \(dwi, adc, flair; crop-to-brain/,
      );
    } finally {
      await legacy.release();
    }
  });
});
