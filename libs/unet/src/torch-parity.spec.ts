/**
 * Gradient parity with PyTorch (Debian's python3-torch, which .ci/run installs): tools/grad-parity.ts runs the
 * committed training graphs in ONNX Runtime and torch_unet3d.UNet3D (../shared/bench) in float32 and float64 on the same
 * seeded batch, and reports ‖g − g_torch‖ / ‖g_torch‖ for every parameter with a non-zero true gradient; the conv
 * biases in front of an InstanceNorm must come out exactly 0. Where PyTorch float32 and float64 disagree with each
 * other beyond 1e-4 (a LeakyReLU input within float32 rounding of 0 takes the other slope, see the README), ours must
 * match one of them within 1e-4.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
jest.setTimeout(180_000);

interface Parity {
  maxGradRel: { vsTorch32: number; vsTorch64: number; torch32vs64: number };
  loss: { relVsTorch64: number };
  zeroGradientParameters: { count: number; maxNormOurs: number };
}

// bench seed 2 is a batch where PyTorch float32 and float64 part (a LeakyReLU flip on their side).
describe.each([
  ['tiny', 1],
  ['bench', 1],
  ['bench', 2],
])('gradients of %s (16³, batch 2, seed %i) against PyTorch', (config, seed) => {
  let parity: Parity;
  beforeAll(() => {
    const work = mkdtempSync(join(tmpdir(), 'fedstroke-torch-parity-'));
    try {
      const run = spawnSync(
        process.execPath,
        [
          'dist/libs/unet/tools/grad-parity.js',
          '--dir',
          `onnx-models/${config}`,
          '--patch',
          '16',
          '--batch',
          '2',
          '--seed',
          String(seed),
          '--work',
          work,
        ],
        { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 },
      );
      if (run.status !== 0)
        throw new Error(`grad-parity failed (is python3-torch installed?): ${run.stderr.slice(-600)}`);
      parity = JSON.parse(run.stdout.trim().split('\n').pop() as string);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('matches every non-zero gradient within 1e-4 relative', () => {
    const { vsTorch32, vsTorch64 } = parity.maxGradRel;
    expect(Math.min(vsTorch32, vsTorch64)).toBeLessThan(1e-4);
    expect(parity.loss.relVsTorch64).toBeLessThan(1e-6);
  });

  it('gives the conv biases in front of InstanceNorm exactly zero gradient', () => {
    expect(parity.zeroGradientParameters.count).toBe(config === 'tiny' ? 10 : 14);
    expect(parity.zeroGradientParameters.maxNormOurs).toBe(0);
  });
});
