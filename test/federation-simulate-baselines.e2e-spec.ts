/**
 * `fedstroke simulate --baselines` end to end, small: after the federation, the centralized and local-only
 * baselines train in `fedstroke baseline-job` child processes on two lanes at once, and the report compares all
 * five models. Also the lanes' failure path (a failing child fails the run with its log and stops the others) and
 * the child command's answer to a bad job file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { discoverDataset, preprocessingOf } from '@fedstroke/isles';
import { InferenceModel, loadArtifacts, readModelExport } from '@fedstroke/runtime';
import { evaluateCases, loadTrainingCases } from '@fedstroke/training';
import { BASELINE_JOB_FORMAT, baselineModelDir, type BaselineJob, runBaselineJobs } from '@fedstroke/cli/testing';
import {
  ARTIFACTS_ROOT,
  FEDSTROKE_BIN,
  lastJsonLine,
  readSimulateRun,
  ROOT,
  simulateArgs,
  useSimulateWorkspace,
} from './federation-kit';

const run = promisify(execFile);
const ROUNDS = 2;
const LOCAL_STEPS = 3;
const workspace = useSimulateWorkspace('fedstroke-baselines', 3);

/** [first, last] time a baseline child wrote a progress line: when it ran. */
function activeInterval(logFile: string): [number, number] {
  const times = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"event":"baseline.progress"'))
    .map((line) => Date.parse((JSON.parse(line) as { at: string }).at));
  return [times[0], times[times.length - 1]];
}

describe('fedstroke simulate --baselines', () => {
  it('trains centralized and local-only models in parallel child processes and reports all of them', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [...simulateArgs(workspace.root, workspace.dataDir, ROUNDS, LOCAL_STEPS), '--validate-every', '1', '--baselines'],
      // Two lanes even on a one-core machine, so the test always sees two children at once.
      { cwd: ROOT, timeout: 150_000, env: { ...process.env, FEDSTROKE_BASELINE_LANES: '2' } },
    );
    expect(lastJsonLine(stdout)).toMatchObject({ federation: 'COMPLETED' });
    const { runDir, summary } = readSimulateRun(workspace.root);
    const sites = summary.data.sites.map((s) => s.name);
    expect(sites).toHaveLength(3);

    // Fixed order, whatever order the children finished in; the federation's step budget for each.
    const approaches = summary.approaches;
    expect(approaches.map((a) => a.name)).toEqual([
      'federated',
      'centralized',
      ...sites.map((site) => `local-only ${site}`),
    ]);
    expect(approaches.map((a) => a.kind)).toEqual([
      'federated',
      'centralized',
      'local-only',
      'local-only',
      'local-only',
    ]);
    expect(approaches.map((a) => a.site)).toEqual([undefined, undefined, ...sites]);
    expect(approaches.map((a) => a.optimizerSteps)).toEqual([
      ROUNDS * LOCAL_STEPS * 3,
      ROUNDS * LOCAL_STEPS * 3,
      ROUNDS * LOCAL_STEPS,
      ROUNDS * LOCAL_STEPS,
      ROUNDS * LOCAL_STEPS,
    ]);
    for (const approach of approaches.slice(1)) {
      expect(approach.validation.perSite.map((s) => s.site)).toEqual(sites);
      expect(approach.test.summary.n).toBe(3);
      expect(approach.test.summary.dice.mean).toBeGreaterThanOrEqual(0);
      expect(approach.overlays.map((o) => o.role)).toEqual(['best', 'median', 'worst']);
      expect(approach.overlays[0]).not.toHaveProperty('pngBase64');
      expect(existsSync(join(approach.modelDir!, 'model.safetensors'))).toBe(true);
      for (const overlay of approach.overlays) expect(existsSync(join(runDir, overlay.file))).toBe(true);
      // Validated every round's worth of steps: twice in two rounds.
      expect(approach.curve.map((p) => p.steps)).toEqual([approach.optimizerSteps / 2, approach.optimizerSteps]);
    }

    // The study's side-by-side view pools the three local-only models (each test case once per model).
    expect(summary.quality?.byKind.map((k) => [k.name, k.overall.n])).toEqual([
      ['federated', 3],
      ['centralized', 3],
      ['local-only (3 models pooled)', 9],
    ]);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('<table class="side-by-side">');
    expect(html).toContain('Dice centralized');
    for (const site of sites) expect(html).toContain(`Dice local-only ${site}`);
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(15);

    // The combined progress bar and the plan: centralized alone on one lane, the local-only models on the other.
    expect(stderr).toContain(
      `baselines: 4 jobs on 2 parallel lane(s) of child processes, 1 ONNX Runtime thread(s) each (optimizer steps ` +
        `in brackets) — lane 1: centralized (18); lane 2: ${sites.map((s) => `local-${s} (6)`).join(', ')}`,
    );
    expect(stderr).toMatch(/baselines 36\/36 100%/);

    // Each baseline ran in a child of its own, writing its own log; two of them at the same time.
    expect(readdirSync(join(runDir, 'baselines')).filter((f) => f.endsWith('.job.json'))).toHaveLength(4);
    const logs = ['centralized', ...sites.map((s) => `local-${s}`)].map((slug) =>
      join(runDir, 'logs', `baseline-${slug}.log`),
    );
    const [centralized, ...locals] = logs.map(activeInterval);
    expect(locals[0][0]).toBeLessThan(centralized[1]);
    expect(centralized[0]).toBeLessThan(locals[0][1]);
    // The second lane ran its jobs one after another.
    expect(locals[1][0]).toBeGreaterThanOrEqual(locals[0][1]);
    expect(locals[2][0]).toBeGreaterThanOrEqual(locals[1][1]);
  }, 170_000);
});

describe('baseline lanes', () => {
  it('fails on the first failing child, with its log, and stops the children still running', async () => {
    const dataset = await discoverDataset(workspace.dataDir, { policy: 'fail', requireMask: true, requireFlair: true });
    const ids = dataset.cases.map((c) => c.id);
    const runDir = join(workspace.root, 'failing');
    const job = (slug: string, steps: number, data: string): BaselineJob => ({
      format: BASELINE_JOB_FORMAT,
      dataDir: data,
      cases: {
        train: ids.slice(0, 4),
        curveVal: [],
        sites: [{ name: 'center-1', val: ids.slice(4, 5) }],
        test: [ids[5]],
      },
      spec: { name: slug, kind: 'centralized', slug, steps, valEvery: 0 },
      settings: {
        artifactsDir: join(ARTIFACTS_ROOT, 'tiny'),
        batchSize: 1,
        patchSize: [16, 24, 24],
        learningRate: 0.01,
        warmupSteps: 0,
        seed: 0,
        threads: 1,
        runDir,
      },
    });
    // Longest first: "endless" gets lane 1; "broken", then "queued", lane 2.
    const jobs = [
      job('endless', 1_000_000, workspace.dataDir),
      job('broken', 2, join(workspace.root, 'nowhere')),
      job('queued', 1, workspace.dataDir),
    ];
    const said: string[] = [];
    const error = await runBaselineJobs(jobs, { runDir, lanes: 2, silent: true, say: (line) => said.push(line) }).then(
      () => null,
      (e: Error) => e,
    );
    const brokenLog = join(runDir, 'logs', 'baseline-broken.log');
    expect(error?.message).toContain(`baseline "broken" failed (exit code 2, signal null); log ${brokenLog}`);
    expect(error?.message).toContain(
      `BaselineJobError [BASELINE_JOB]: baseline job ${join(runDir, 'baselines', 'broken.job.json')} (broken):`,
    );
    expect(said[0]).toContain('lane 1: endless (1000000); lane 2: broken (2), queued (1)');
    // The queued job never started; no child of the endless one is left.
    expect(existsSync(join(runDir, 'logs', 'baseline-queued.log'))).toBe(false);
    expect(existsSync(join(runDir, 'logs', 'baseline-endless.log'))).toBe(true);
    expect(processesNaming(join(runDir, 'baselines', 'endless.job.json'))).toEqual([]);
  }, 60_000);

  it("keeps a baseline's final weights as a model export that scores again, at its training patch or any window", async () => {
    const dataset = await discoverDataset(workspace.dataDir, { policy: 'fail', requireMask: true, requireFlair: true });
    const ids = dataset.cases.map((c) => c.id);
    const runDir = join(workspace.root, 'kept');
    const artifactsDir = join(ARTIFACTS_ROOT, 'tiny');
    const patch: [number, number, number] = [16, 24, 24];
    const job: BaselineJob = {
      format: BASELINE_JOB_FORMAT,
      dataDir: workspace.dataDir,
      cases: { train: ids.slice(0, 4), curveVal: [], sites: [{ name: 'center-1', val: [ids[4]] }], test: [ids[5]] },
      spec: { name: 'centralized', kind: 'centralized', slug: 'centralized', steps: 2, valEvery: 0 },
      settings: {
        artifactsDir,
        batchSize: 1,
        patchSize: patch,
        learningRate: 0.01,
        warmupSteps: 0,
        seed: 0,
        threads: 1,
        runDir,
      },
    };
    const [result] = await runBaselineJobs([job], { runDir, lanes: 1, silent: true, say: () => undefined });
    expect(result.modelDir).toBe(baselineModelDir(runDir, 'centralized'));

    const { manifest } = await loadArtifacts(artifactsDir);
    const exported = await readModelExport(result.modelDir!, manifest);
    expect(exported?.exported.provenance).toMatchObject({
      kind: 'centralized',
      untrained: false,
      trainingPatch: patch,
    });
    // Trained: not the artifacts' initial weights.
    const initial = (await loadArtifacts(artifactsDir)).initialParameters;
    expect(Buffer.from(exported!.weights.buffer).equals(Buffer.from(initial.buffer))).toBe(false);

    // Scored later from the export alone: at its training patch it gives the run's own test figures exactly.
    const { spec: preprocessing } = preprocessingOf(manifest, artifactsDir);
    const test = await loadTrainingCases(dataset.cases, [ids[5]], { preprocessing, progress: { silent: true } });
    const model = await InferenceModel.create(artifactsDir, { weights: exported!.weights, intraOpNumThreads: 1 });
    try {
      const again = await evaluateCases(model, test, { window: patch, progress: { silent: true } });
      expect(again.cases.map((c) => c.dice)).toEqual(result.test.cases.map((c) => c.dice));
      const wider = await evaluateCases(model, test, { window: [32, 48, 48], progress: { silent: true } });
      expect(wider.cases).toHaveLength(1);
    } finally {
      await model.release();
    }
  }, 60_000);

  it('`fedstroke baseline-job` names the job file and the bad field, and exits nonzero', async () => {
    const file = join(workspace.root, 'bad.job.json');
    writeFileSync(file, JSON.stringify({ format: BASELINE_JOB_FORMAT, dataDir: workspace.dataDir }));
    const failure = await run(process.execPath, [
      FEDSTROKE_BIN,
      'baseline-job',
      '--job',
      file,
      '--out',
      join(workspace.root, 'bad.result.json'),
    ]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(`baseline job ${file}: cases must be an object (got nothing)`);
    expect(existsSync(join(workspace.root, 'bad.result.json'))).toBe(false);
  }, 30_000);
});

/** Pids of live processes whose command line contains `text` (Linux /proc). */
function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(join('/proc', pid, 'cmdline'), 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}
