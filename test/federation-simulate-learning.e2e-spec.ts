/**
 * The learning options of `fedstroke simulate` end to end, small: FedBN-style local norms (every site's personalised
 * model scored on its own validation split beside the global model), detection settings chosen on validation (the
 * federation by its sites and the coordinator, the centralized baseline on the pooled splits; each approach's test
 * figures also at the plain defaults), and `--baselines centralized` training that baseline alone.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_DETECTION_GRID } from '@fedstroke/metrics';
import { lastJsonLine, readSimulateRun, ROOT, simulateArgs, useSimulateWorkspace } from './federation-kit';

const run = promisify(execFile);
const workspace = useSimulateWorkspace('fedstroke-simulate-learning', 5);

describe('fedstroke simulate --local-norms --select-detection --baselines centralized', () => {
  it('reports the global and the personalised models, and each approach at its chosen detection settings', async () => {
    const args = [
      ...simulateArgs(workspace.root, workspace.dataDir, 2, 2),
      '--local-norms',
      '--select-detection',
      '--baselines',
      'centralized',
      '--quiet',
    ];
    const { stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 240_000 });
    expect(lastJsonLine(stdout)).toMatchObject({ federation: 'COMPLETED' });
    const { summary } = readSimulateRun(workspace.root);
    expect(summary.profile).toMatchObject({ localNorms: true, selectDetection: true });
    expect(summary.approaches.map((a) => a.name)).toEqual(['federated', 'centralized']);
    const [federated, centralized] = summary.approaches;

    // The coordinator's choice, from the sites' last-round reports, recorded on the final round.
    const last = summary.rounds[summary.rounds.length - 1].metrics;
    expect(DEFAULT_DETECTION_GRID.thresholds).toContain(last.detectionThreshold);
    expect(DEFAULT_DETECTION_GRID.minLesionVoxels).toContain(last.detectionMinLesionVoxels);
    expect(federated.detection).toMatchObject({
      threshold: last.detectionThreshold,
      minLesionVoxels: last.detectionMinLesionVoxels,
    });
    expect(federated.detection?.defaultsTest.n).toBe(3);
    expect(centralized.detection?.chosenOn).toMatch(/pooled/);
    expect(DEFAULT_DETECTION_GRID.thresholds).toContain(centralized.detection?.threshold);

    // One personalised model per site, scored on that site's cases, beside the global model's figures there.
    expect(federated.personalised?.map((p) => p.site)).toEqual(federated.validation.perSite.map((p) => p.site));
    for (const [i, site] of (federated.personalised ?? []).entries()) {
      expect(site.cases.map((c) => c.id)).toEqual(federated.validation.perSite[i].cases.map((c) => c.id));
      expect(site.summary.dice.mean).toBeGreaterThanOrEqual(0);
    }
  }, 260_000);
});
