/**
 * The detection settings a federation chose on its sites' validation splits (detectionSelection) travel with its
 * model: the serving model records them, and segmentStudy applies them when the caller gives no threshold or
 * minimum lesion size of its own; the caller's own figures still win. Real tiny U-Net, real ONNX Runtime, a small
 * crop of the real ISLES'22 case.
 */
import { DEFAULT_DETECTION_GRID, detectionReport, gridCandidates } from '@fedstroke/metrics';
import type { CoordinatorApp } from '../apps/coordinator/src';
import { bootCoordinator, READONLY_TOKEN } from './coordinator-kit';
import {
  createServedModelVersion,
  gqlOk,
  type InferenceWorkspace,
  type JobView,
  makeInferenceWorkspace,
  submitStudy,
  waitForJob,
  writeSmallStudy,
} from './inference-kit';

let workspace: InferenceWorkspace;
let coordinator: CoordinatorApp;
let study: { dwi: string; adc: string };

beforeAll(async () => {
  workspace = await makeInferenceWorkspace();
  coordinator = await bootCoordinator(workspace, [], { inference: { threads: 1 } });
  study = await writeSmallStudy(workspace.root);
});

afterAll(async () => {
  await coordinator?.close();
  workspace?.cleanup();
});

async function segmented(settings: { threshold?: number; minLesionVoxels?: number } = {}): Promise<JobView> {
  const submitted = await submitStudy(coordinator.url, study, settings);
  expect(submitted.errors).toBeUndefined();
  const job = await waitForJob(coordinator.url, submitted.data!.segmentStudy.id);
  expect(job.status).toBe('SUCCEEDED');
  return job;
}

const outcome = (job: JobView) => ({
  lesionVolumeMl: job.result!.lesionVolumeMl,
  voxels: job.result!.lesions.map((l) => l.voxels),
});

describe('segmentStudy with a model whose federation chose its detection settings', () => {
  it('applies the recorded threshold and minimum lesion size unless the caller gives its own', async () => {
    // The one site's validation figures favour threshold 0.3 and lesions of 5 voxels or more.
    const chosen = { threshold: 0.3, minLesionVoxels: 5 };
    const report = detectionReport(
      gridCandidates(DEFAULT_DETECTION_GRID).map((candidate) => {
        const hit = candidate.threshold === chosen.threshold && candidate.minLesionVoxels === chosen.minLesionVoxels;
        return { candidate, figures: { dice: hit ? 0.8 : 0.5, lesionF1: hit ? 0.9 : 0.4, ald: hit ? 0.5 : 3 } };
      }),
      5,
    );
    const version = await createServedModelVersion(coordinator.url, {
      strategyParams: { detectionSelection: true },
      metrics: report,
    });
    const recorded = await gqlOk<{ modelVersion: { metrics: Array<{ name: string; value: number }> } }>(
      coordinator.url,
      READONLY_TOKEN,
      'query ($id: ID!) { modelVersion(id: $id) { metrics { name value } } }',
      { id: version.id },
    );
    const metrics = Object.fromEntries(recorded.modelVersion.metrics.map((m) => [m.name, m.value]));
    expect(metrics).toMatchObject({ detectionThreshold: 0.3, detectionMinLesionVoxels: 5 });

    const byDefault = await segmented();
    expect(byDefault.modelVersionId).toBe(version.id);
    expect(outcome(byDefault)).toEqual(outcome(await segmented(chosen)));
    // The plain defaults give another mask from the same probabilities: the recorded settings were applied.
    const plain = await segmented({ threshold: 0.5, minLesionVoxels: 0 });
    expect(outcome(plain)).not.toEqual(outcome(byDefault));
    expect(byDefault.result!.lesions.every((l) => l.voxels >= chosen.minLesionVoxels)).toBe(true);
  }, 120_000);
});
