/**
 * What a `fedstroke baseline-job` child does with its job: load its own copy of the named cases (the same loaders
 * and preprocessing the simulation and the sites use), train and evaluate one baseline, return its result.
 */
import { discoverDataset, preprocessingOf } from '@fedstroke/isles';
import type { ApproachResult } from '@fedstroke/report';
import { loadArtifacts } from '@fedstroke/runtime';
import { loadTrainingCases, type TrainingCase } from '@fedstroke/training';
import { runBaseline, type BaselineHooks } from './baselines';
import type { BaselineJob } from './baseline-job';

export async function runBaselineJob(job: BaselineJob, hooks: BaselineHooks = {}): Promise<ApproachResult> {
  const { manifest } = await loadArtifacts(job.settings.artifactsDir);
  const { spec: preprocessing } = preprocessingOf(manifest, job.settings.artifactsDir);
  const requireFlair = preprocessing.channels.includes('flair');
  const dataset = await discoverDataset(job.dataDir, { policy: 'skip', requireMask: true, requireFlair });
  const { cases } = job;
  // A case can be in several lists (a local-only model's curve validation is its site's validation split): load
  // each once.
  const ids = [...new Set([...cases.train, ...cases.curveVal, ...cases.sites.flatMap((s) => s.val), ...cases.test])];
  const loaded = await loadTrainingCases(dataset.cases, ids, {
    preprocessing,
    progress: { label: `${job.spec.slug} load` },
  });
  const byId = new Map(loaded.map((c) => [c.id, c]));
  const pick = (list: string[]): TrainingCase[] => list.map((id) => byId.get(id) as TrainingCase);
  return runBaseline(
    { ...job.spec, train: pick(cases.train), curveVal: pick(cases.curveVal) },
    { sites: cases.sites.map((s) => ({ name: s.name, val: pick(s.val) })), test: pick(cases.test) },
    job.settings,
    hooks,
  );
}
