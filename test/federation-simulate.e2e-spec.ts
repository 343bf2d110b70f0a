/**
 * The main job end to end, as `npm start` runs it but small: `fedstroke simulate` starts a coordinator and three
 * site agents as processes, drives the federation over GraphQL, evaluates the final global model and writes the
 * report. Checks what a researcher reads: rounds completed by every site, the figures, the report's plots.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { torchLoadStrict } from '@fedstroke/runtime/testing';
import {
  FEDSTROKE_BIN,
  lastJsonLine,
  readSimulateRun,
  ROOT,
  simulateArgs,
  useSimulateWorkspace,
} from './federation-kit';

const run = promisify(execFile);
const workspace = useSimulateWorkspace('fedstroke-simulate', 3);

describe('fedstroke simulate', () => {
  it('runs a three-site federation through separate processes and writes report.html and summary.json', async () => {
    // Sites validate every 2nd round and in the last: here round 2 only.
    const args = [...simulateArgs(workspace.root, workspace.dataDir, 3, 2), '--validate-every', '2', '--quiet'];
    const { stdout, stderr } = await run(process.execPath, args, { cwd: ROOT, timeout: 150_000 });
    expect(lastJsonLine(stdout)).toMatchObject({ federation: 'COMPLETED' });
    // The GraphQL endpoint, the dashboard with a read-only token, and a ready-to-paste round-status query, all over
    // HTTPS: by default the run uses mutual TLS with a throwaway CA, and the sites (which completed every round)
    // were served only because each presented its own certificate.
    expect(stderr).toMatch(/coordinator GraphQL endpoint: https:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(stderr).toMatch(
      /dashboard: https:\/\/127\.0\.0\.1:\d+\/dashboard\/#\/federations\/[0-9a-f-]{36} \(read-only token: [0-9a-f]{48}\)/,
    );
    expect(stderr).toMatch(/curl -s --cacert \S+ca\.crt https:\/\/127\.0\.0\.1:/);
    expect(stderr).toMatch(/mutual TLS: run CA .*pki\/ca\.crt \(throwaway/);
    expect(stderr).toMatch(/federated\s+test\s+3\s+\d\.\d{3} ± \d\.\d{3}/);

    const { runDir, summary } = readSimulateRun(workspace.root);
    expect(summary.federation.status).toBe('COMPLETED');
    // The seed is recorded, so that `compare --against` can refuse to pair runs of different seeds.
    expect(summary.profile).toMatchObject({ seed: 0, totalOptimizerSteps: 3 * 2 * 3 });
    // The default strategy, FedProx, with its μ written into the summary (the default profile's confirmation).
    expect(summary.profile).toMatchObject({ strategy: 'FEDPROX', proximalMu: 0.01 });
    expect(summary.rounds.map((r) => r.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    for (const round of summary.rounds) {
      expect(round.participants.map((p) => p.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
      expect(round.metrics.trainLoss).toBeGreaterThan(0);
    }
    // The learning curve is the global model's: round 3 opens by scoring round 2's aggregate on every site's
    // validation split (every 2nd aggregate), the final one is the evaluation's. The sites' local models are
    // validated on their own cadence (every 2nd round and the last), for the per-site curves.
    expect(summary.rounds.map((r) => r.metrics.valDiceGlobal !== undefined)).toEqual([false, false, true]);
    expect(summary.rounds.map((r) => r.metrics.valDice !== undefined)).toEqual([false, true, true]);
    expect(summary.approaches[0].curve).toEqual([
      { steps: 2 * 2 * 3, dice: summary.rounds[2].metrics.valDiceGlobal },
      { steps: 3 * 2 * 3, dice: summary.approaches[0].validation.pooled.summary.dice.mean },
    ]);
    // Each site's folder holds only its own cases; the test cases are in none of them.
    expect(summary.data.sites.map((s) => s.train + s.val)).toEqual([3, 3, 3]);
    const federated = summary.approaches[0];
    expect(federated.validation.perSite).toHaveLength(3);
    expect(federated.test.summary.n).toBe(3);
    expect(federated.overlays.map((o) => o.role)).toEqual(['best', 'median', 'worst']);
    expect(federated.overlays[0]).not.toHaveProperty('pngBase64');

    // The final federated model is in the run folder as a model export, named by summary.json and the report...
    expect(summary.model).toMatchObject({ path: join(runDir, 'model'), roundIndex: 3 });
    const model = summary.model!;
    const exported = JSON.parse(readFileSync(model.manifest, 'utf8'));
    expect(exported.provenance).toMatchObject({
      kind: 'federated',
      untrained: false,
      federationId: summary.federation.id,
      modelVersionId: model.modelVersionId,
      roundIndex: 3,
      rounds: 3,
      trainingData: 'synthetic',
      // Every site trained on 16×24×24 patches: the window segment will run this model with.
      trainingPatch: [16, 24, 24],
    });
    // ...with exactly the weights the coordinator stored for that version...
    const versions = join(runDir, 'coordinator', 'models', summary.federation.id);
    const stored = readdirSync(versions).find((f) => f.endsWith(`${model.modelVersionId}.f32`));
    const sha = createHash('sha256')
      .update(readFileSync(join(versions, stored!)))
      .digest('hex');
    expect(model.sha256).toBe(sha);
    // ...and PyTorch loads it with strict=True.
    const image = { data: new Float32Array(3 * 8 ** 3).fill(0.25), shape: [1, 3, 8, 8, 8] };
    expect(torchLoadStrict(model.manifest, model.weights, image).names).toHaveLength(exported.parameters.length);

    // `fedstroke export` from the run's coordinator data directory writes the same model file.
    const out = join(workspace.root, 'exported');
    const { stdout: exportJson } = await run(
      process.execPath,
      [
        FEDSTROKE_BIN,
        'export',
        model.modelVersionId,
        '--data-dir',
        join(runDir, 'coordinator'),
        '--out',
        out,
        '--json',
      ],
      { cwd: ROOT },
    );
    expect(JSON.parse(exportJson).provenance).toEqual(exported.provenance);
    expect(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(model.weights))).toBe(true);

    // The study's view: every test case has its center, and the quality section is stored and drawn.
    expect(Object.keys(summary.data.caseCenters ?? {})).toEqual(
      expect.arrayContaining(federated.test.cases.map((c) => c.id)),
    );
    expect(summary.quality?.byKind.map((k) => k.name)).toEqual(['federated']);
    expect(summary.quality?.centers).toEqual(['center-1', 'center-2', 'center-3']);
    expect(summary.quality?.approaches[0].byVolume.reduce((n, g) => n + g.n, 0)).toBe(3);

    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('href="model/model.safetensors"');
    expect(html.match(/class="chart line-chart"/g)).toHaveLength(3);
    expect(html).toContain('class="chart histogram"');
    expect(html.match(/<svg [^>]*class="chart scatter-chart"[\s\S]*?<\/svg>/)?.[0].match(/data-x=/g)).toHaveLength(3);
    expect(html).toContain('<table class="by-center">');
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(3);

    // Accepted updates are gone once their rounds ended; the four model versions (rounds 0-3) stay.
    const coordinatorDir = join(runDir, 'coordinator');
    const updates = join(coordinatorDir, 'updates');
    const kept = existsSync(updates) ? readdirSync(updates, { recursive: true }).map(String) : [];
    expect(kept.filter((f) => f.endsWith('.f32'))).toEqual([]);
    const models = readdirSync(join(coordinatorDir, 'models'), { recursive: true }).map(String);
    expect(models.filter((f) => f.endsWith('.f32'))).toHaveLength(4);
  }, 170_000);
});
