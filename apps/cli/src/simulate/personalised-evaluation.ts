/**
 * FedBN-style runs: each site's personalised model is the final global model with that site's own InstanceNorm
 * parameters (as its agent kept them in its learning state), scored on that site's validation split through the
 * same evaluation path as every other figure. The global model's own figures stay in the approach's `validation`.
 */
import { join } from 'node:path';
import { parameterRanges, rangesSize, withLocalParameters } from '@fedstroke/federation';
import type { DetectionSettings } from '@fedstroke/metrics';
import { DEFAULT_DETECTION_SETTINGS } from '@fedstroke/metrics';
import type { ApproachResult } from '@fedstroke/report';
import type { InferenceModel, Manifest } from '@fedstroke/runtime';
import { instanceNormParameterNames } from '@fedstroke/unet';
import { SiteLearningState } from '@fedstroke/site';
import { evaluateSites, type EvaluationSets } from './evaluate-approach';

/** Site-state folder of each simulated site agent (federation-run.ts starts them with it). */
export const siteStateDir = (runDir: string, site: string): string => join(runDir, 'site-state', site);

export async function evaluatePersonalised(
  model: InferenceModel,
  manifest: Manifest,
  federation: { federationId: string; finalWeights: Float32Array },
  sets: EvaluationSets,
  context: {
    runDir: string;
    detection: DetectionSettings | null;
    window?: readonly [number, number, number];
    silent: boolean;
  },
): Promise<NonNullable<ApproachResult['personalised']>> {
  const ranges = parameterRanges(manifest.parameters, instanceNormParameterNames(manifest.config));
  const personalised: NonNullable<ApproachResult['personalised']> = [];
  try {
    for (const site of sets.sites) {
      const stored = await new SiteLearningState(siteStateDir(context.runDir, site.name)).read(
        federation.federationId,
        'local-norms',
        { parameterLayoutSha256: manifest.parameterLayoutSha256, length: rangesSize(ranges) },
      );
      if (!stored) throw new Error(`site ${site.name} kept no local InstanceNorm parameters: no update was accepted`);
      model.loadParametersBuffer(withLocalParameters(federation.finalWeights, ranges, stored.values), site.name);
      const [evaluated] = await evaluateSites(
        model,
        [site],
        { ...(context.detection ?? DEFAULT_DETECTION_SETTINGS), ...(context.window && { window: context.window }) },
        (name) => ({
          label: `personalised ${name}: validate`,
          silent: context.silent,
        }),
      );
      if (evaluated) personalised.push(evaluated);
    }
  } finally {
    model.loadParametersBuffer(federation.finalWeights, 'the global model');
  }
  return personalised;
}
