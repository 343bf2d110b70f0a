/**
 * `fedstroke simulate` as a script: prepare data, artifacts and site folders → run the federation through real
 * processes → evaluate the final global model on every site's validation split and on the independent test set →
 * (with baselines) train and evaluate centralized and local-only models on the same budget → write
 * `runs/<id>/report.html` and `summary.json` and print the summary table.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { preprocessingOf, writeSplit } from '@fedstroke/isles';
import {
  formatQualityTable,
  formatSummaryTable,
  renderReportHtml,
  studyQuality,
  SUMMARY_FORMAT,
  type ApproachResult,
  type SimulationReport,
} from '@fedstroke/report';
import { modelWindow } from '@fedstroke/inference';
import { recordedDetectionSettings } from '@fedstroke/metrics';
import { InferenceModel, MODEL_EXPORT_MANIFEST, type ModelExportManifest, writeModelExport } from '@fedstroke/runtime';
import { loadTrainingCases } from '@fedstroke/training';
import { evaluatedCaseCenters } from './case-centers';
import { BASELINE_JOB_FORMAT, type BaselineJob } from './baseline-job';
import { runBaselineJobs } from './baseline-lanes';
import { evaluateApproach, type EvaluationSets } from './evaluate-approach';
import { federatedCurve } from './federated-curve';
import { runFederation, type FederationOutcome } from './federation-run';
import { laneCount, threadsPerLane } from './lane-schedule';
import { learningNotes } from './learning-notes';
import { evaluatePersonalised } from './personalised-evaluation';
import { choosePort, prepareInputs, type PreparedInputs } from './prepare-inputs';
import { privacyProfile } from './run-privacy';
import { materializeSiteFolders, type SiteFolder } from './site-folders';
import { SIMULATE_DEFAULTS, type SimulationOptions } from './simulation-options';

export interface SimulationResult {
  runDir: string;
  report: SimulationReport;
  federation: FederationOutcome;
}

export async function runSimulation(
  options: SimulationOptions,
  say: (line: string) => void,
): Promise<SimulationResult> {
  const started = Date.now();
  const runId = options.runId ?? `sim-${timestamp()}`;
  const runDir = resolve(options.runsRoot, runId);
  await mkdir(runDir, { recursive: true });
  const inputs = await prepareInputs(options, say);
  await writeSplit(join(runDir, 'split.json'), inputs.split);
  const folders = await materializeSiteFolders(
    inputs.dataDir,
    inputs.dataset.cases,
    inputs.split,
    resolve(options.sitesRoot),
  );
  for (const f of folders) say(`${f.name}: ${f.train.length} train + ${f.val.length} validation cases in ${f.dir}`);
  say(`independent test set: ${inputs.split.test.length} cases (never given to a site)`);

  const port = options.port ?? (await choosePort(SIMULATE_DEFAULTS.preferredPort));
  const federation = await runFederation(options, {
    runId,
    runDir,
    port,
    folders,
    synthetic: inputs.synthetic,
    say,
  });
  try {
    if (federation.status !== 'COMPLETED') say(`federation ended ${federation.status}; reporting its latest model`);
    const model = await writeFinalModel(runDir, inputs, federation);
    say(`final federated model: ${model.path} (${model.manifest.pytorch}, strict=True)`);
    const sets = await loadEvaluationSets(inputs, folders, options);
    const approaches: ApproachResult[] = [await evaluateFederated(federation, inputs, sets, options, runDir)];
    if (options.baselines !== 'none') approaches.push(...(await runBaselines(inputs, folders, options, runDir, say)));
    const caseCenters = await evaluatedCaseCenters(inputs.dataDir, inputs.split);
    const quality = studyQuality(approaches, caseCenters);
    const report: SimulationReport = {
      format: SUMMARY_FORMAT,
      runId,
      createdAt: new Date(started).toISOString(),
      wallTimeSeconds: (Date.now() - started) / 1000,
      data: {
        dir: inputs.dataDir,
        synthetic: inputs.synthetic,
        sites: folders.map((f) => ({ name: f.name, folder: f.dir, train: f.train.length, val: f.val.length })),
        testCases: inputs.split.test.length,
        caseCenters,
      },
      profile: {
        modelConfig: options.config,
        parameterCount: inputs.manifest.parameterCount,
        strategy: options.strategy,
        ...(options.proximalMu !== undefined && { proximalMu: options.proximalMu }),
        ...(options.serverLearningRate !== undefined && { serverLearningRate: options.serverLearningRate }),
        ...(options.serverMomentum !== undefined && { serverMomentum: options.serverMomentum }),
        ...(options.localNorms && { localNorms: true }),
        ...(options.selectDetection && { selectDetection: true }),
        ...(privacyProfile(options, folders.length, federation.privacy) ?? {}),
        rounds: options.rounds,
        localSteps: options.localSteps,
        sites: folders.length,
        batchSize: options.batchSize,
        patchSize: options.patchSize,
        learningRate: options.learningRate,
        seed: options.seed,
        totalOptimizerSteps: options.rounds * options.localSteps * folders.length,
      },
      federation: {
        id: federation.federationId,
        name: federation.federationName,
        status: federation.status,
        graphqlUrl: federation.graphqlUrl,
      },
      rounds: federation.rounds,
      model: {
        path: model.path,
        manifest: join(model.path, MODEL_EXPORT_MANIFEST),
        weights: join(model.path, model.manifest.weights.file),
        sha256: model.manifest.weights.parameterSha256,
        modelVersionId: federation.finalModel.versionId,
        roundIndex: federation.finalRound,
      },
      approaches,
      quality,
    };
    await writeReport(runDir, report);
    say(`\n${formatSummaryTable(report.approaches)}\n`);
    say(`test set as the study reports it:\n${formatQualityTable(quality)}\n`);
    for (const line of learningNotes(report.approaches)) say(line);
    say(
      `report: ${join(runDir, 'report.html')} · summary: ${join(runDir, 'summary.json')} · ${report.wallTimeSeconds.toFixed(0)} s`,
    );
    return { runDir, report, federation };
  } catch (error) {
    await federation.coordinator.stop();
    throw error;
  } finally {
    if (!options.serve) await federation.coordinator.stop();
  }
}

/**
 * The final global model as a model export in the run folder (runs/<id>/model: model.safetensors + manifest.json),
 * the same format `fedstroke export` writes, so a researcher can load it into PyTorch or `fedstroke segment --model`.
 */
async function writeFinalModel(
  runDir: string,
  inputs: PreparedInputs,
  federation: FederationOutcome,
): Promise<{ path: string; manifest: ModelExportManifest }> {
  const path = join(runDir, 'model');
  const manifest = await writeModelExport(
    path,
    inputs.manifest,
    federation.finalWeights,
    federation.finalModel.training,
  );
  return { path, manifest };
}

/** Each site's validation cases and the test set, loaded once in this process (the evaluator's view). */
async function loadEvaluationSets(
  inputs: PreparedInputs,
  folders: SiteFolder[],
  options: SimulationOptions,
): Promise<EvaluationSets> {
  const { spec: preprocessing } = preprocessingOf(inputs.manifest, inputs.artifactsDir);
  const load = (ids: string[], label: string) =>
    loadTrainingCases(inputs.dataset.cases, ids, {
      preprocessing,
      progress: { label, silent: options.silent },
    });
  const sites: EvaluationSets['sites'] = [];
  for (const f of folders) sites.push({ name: f.name, val: await load(f.val, `load ${f.name} val`) });
  return { sites, test: await load(inputs.split.test, 'load test') };
}

async function evaluateFederated(
  federation: FederationOutcome,
  inputs: PreparedInputs,
  sets: EvaluationSets,
  options: SimulationOptions,
  runDir: string,
): Promise<ApproachResult> {
  const model = await InferenceModel.create(inputs.artifactsDir, {
    weights: federation.finalWeights,
    intraOpNumThreads: options.evalThreads,
    provider: options.provider,
  });
  try {
    // The settings the coordinator recorded with the final model (chosen on the sites' validation splits).
    const last = federation.rounds.filter((r) => r.status === 'COMPLETED').pop();
    const chosen = options.selectDetection && last ? recordedDetectionSettings(last.metrics) : null;
    // The window segment would run this model with: the patch its model version records (else segment's default).
    const window = modelWindow(federation.finalModel);
    const evaluated = await evaluateApproach(model, sets, {
      runDir,
      slug: 'federated',
      window,
      silent: options.silent,
      ...(chosen && { detection: { ...chosen, chosenOn: "the sites' validation splits, by the coordinator" } }),
    });
    const personalised = options.localNorms
      ? await evaluatePersonalised(model, inputs.manifest, federation, sets, {
          runDir,
          detection: chosen,
          window,
          silent: options.silent,
        })
      : undefined;
    const stepsPerRound = options.localSteps * sets.sites.length;
    const completed = federation.rounds.filter((r) => r.status === 'COMPLETED');
    return {
      name: 'federated',
      kind: 'federated',
      optimizerSteps: completed.length * stepsPerRound,
      wallTimeSeconds: completed.reduce((sum, r) => sum + (r.durationSeconds ?? 0), 0),
      // The global model's validation after every n-th round, the final model's from the evaluation above.
      curve: federatedCurve(
        completed,
        stepsPerRound,
        completed.length > 0
          ? { round: completed[completed.length - 1].index, dice: evaluated.validation.pooled.summary.dice.mean }
          : null,
      ),
      ...evaluated,
      ...(personalised && { personalised }),
    };
  } finally {
    await model.release();
  }
}

/**
 * Centralized and local-only models on the federation's step budget, each trained and evaluated in its own child
 * process (baseline-lanes.ts), as many at once as there are cores (FEDSTROKE_BASELINE_LANES overrides), with the
 * cores split evenly between them. Returned in the fixed order centralized, local-only site 1..n.
 */
async function runBaselines(
  inputs: PreparedInputs,
  folders: SiteFolder[],
  options: SimulationOptions,
  runDir: string,
  say: (line: string) => void,
): Promise<ApproachResult[]> {
  const cores = availableParallelism();
  const lanes = laneCount(folders.length + 1, cores, process.env.FEDSTROKE_BASELINE_LANES);
  const settings: BaselineJob['settings'] = {
    selectDetection: options.selectDetection,
    artifactsDir: resolve(inputs.artifactsDir),
    batchSize: options.batchSize,
    patchSize: options.patchSize,
    learningRate: options.learningRate,
    warmupSteps: options.warmupSteps,
    seed: options.seed,
    threads: threadsPerLane(cores, lanes),
    runDir,
  };
  const job = (spec: BaselineJob['spec'], train: string[], curveVal: string[]): BaselineJob => ({
    format: BASELINE_JOB_FORMAT,
    dataDir: resolve(inputs.dataDir),
    cases: { train, curveVal, sites: folders.map((f) => ({ name: f.name, val: f.val })), test: inputs.split.test },
    spec,
    settings,
  });
  const perSite = options.rounds * options.localSteps;
  // Curve points at the same budgets as the federation's validated rounds.
  const stepsBetweenValidations = options.localSteps * options.validateEveryRounds;
  const jobs = [
    job(
      {
        name: 'centralized',
        kind: 'centralized',
        slug: 'centralized',
        steps: perSite * folders.length,
        valEvery: stepsBetweenValidations * folders.length,
      },
      folders.flatMap((f) => f.train),
      folders.flatMap((f) => f.val),
    ),
    ...(options.baselines === 'centralized' ? [] : folders).map((f) =>
      job(
        {
          name: `local-only ${f.name}`,
          kind: 'local-only',
          site: f.name,
          slug: `local-${f.name}`,
          steps: perSite,
          valEvery: stepsBetweenValidations,
        },
        f.train,
        f.val,
      ),
    ),
  ];
  return runBaselineJobs(jobs, { runDir, lanes, silent: options.silent, say });
}

async function writeReport(runDir: string, report: SimulationReport): Promise<void> {
  const stripped = {
    ...report,
    approaches: report.approaches.map((a) => ({ ...a, overlays: a.overlays.map(({ pngBase64: _png, ...o }) => o) })),
  };
  await atomicWrite(join(runDir, 'summary.json'), `${JSON.stringify(stripped, null, 2)}\n`);
  await atomicWrite(join(runDir, 'report.html'), renderReportHtml(report));
}

async function atomicWrite(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
