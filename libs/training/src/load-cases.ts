import { ProgressBar } from '@fedstroke/common';
import { loadCase, type CaseFiles, type PreprocessingSpec } from '@fedstroke/isles';
import { TrainingDataError } from './errors';
import { toTrainingCase, type TrainingCase } from './training-case';

export interface LoadCasesOptions {
  /** The model's recorded preprocessing (its channels and steps): what inference will do to a study too. */
  preprocessing: PreprocessingSpec;
  progress?: { label?: string; silent?: boolean; stream?: NodeJS.WriteStream };
}

/**
 * Loads the named cases of a discovered dataset into memory, once, through the case pipeline every path shares
 * (libs/isles loadCase), ready for patch sampling. Every id must exist in `files` (a split that names a case the
 * folder does not have is an error, not a silent skip).
 */
export async function loadTrainingCases(
  files: readonly CaseFiles[],
  ids: readonly string[],
  options: LoadCasesOptions,
): Promise<TrainingCase[]> {
  const byId = new Map(files.map((f) => [f.id, f]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0)
    throw new TrainingDataError(
      `the split names ${missing.length} case(s) the dataset does not have: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
    );
  const bar = new ProgressBar({ label: options.progress?.label ?? 'load', total: ids.length, ...options.progress });
  const cases: TrainingCase[] = [];
  for (const id of ids) {
    const loaded = await loadCase(byId.get(id) as CaseFiles, { preprocessing: options.preprocessing });
    cases.push(toTrainingCase(loaded));
    bar.tick();
  }
  return cases;
}
