import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { maxAffineDifference, readNifti } from '@fedstroke/nifti';
import { loadArtifacts } from '@fedstroke/runtime';
import { namedConfig, writeArtifacts } from '@fedstroke/unet';
import { SegmentationAbortedError } from './errors';
import { loadStudy, type Study } from './load-study';
import { loadSegmentationModel, type SegmentationModel } from './segmentation-model';
import { segmentStudy } from './segment-study';
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
  study = await loadStudy({ dwi: CASE_DWI, adc: CASE_ADC });
  model = await loadSegmentationModel({ artifactsDir }, { intraOpNumThreads: 1 });
});
afterAll(async () => {
  await model.release();
  await rm(dir, { recursive: true, force: true });
});

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
});
