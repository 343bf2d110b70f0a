/**
 * Under WebGPU (lavapipe in CI: .ci/run installs Mesa 25 from bookworm-backports) every float op of the training,
 * eval and inference graphs of the webgpu lowering runs on the GPU and ORT inserts no Memcpy between host and
 * device: proven from ORT's own verbose placement log. Only int64 shape arithmetic may stay on the CPU, which ORT
 * does on purpose (it reads shapes, never tensor data). The CPU lowering on WebGPU is the counter-example that shows
 * the check can fail.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeModel, type ValueInfo } from './testing/onnx-proto';
import { placementOf } from './testing/placement';

const models = resolve(__dirname, '../../../onnx-models');
jest.setTimeout(120_000);

describe('WebGPU placement of the webgpu lowering (ORT verbose log, lavapipe)', () => {
  it.each(['tiny', 'bench'].flatMap((config) => ['training', 'eval', 'inference'].map((graph) => [config, graph])))(
    '%s %s graph: every float op on WebGPU, no Memcpy node',
    async (config, graph) => {
      const placement = await placementOf(`${models}/${config}/webgpu/${graph}_model.onnx`, 'webgpu');
      expect(placement.byProvider.get('WebGpuExecutionProvider')?.length).toBeGreaterThan(50);
      // ORT keeps int64 shape arithmetic (Shape → Gather/Concat/Mul) on the CPU on purpose; the check below proves
      // that this is all it keeps there.
      expect(placement.byProvider.get('CPUExecutionProvider')?.length).toBeGreaterThan(0);
      expect(placement.memcpy).toEqual([]);
      expect(placement.cpuFloatNodes).toEqual([]);
    },
  );

  // Since the LeakyReLU slope became Clip(Ceil(y), α, 1) the CPU lowering places whole on WebGPU too, so the
  // counter-example is built here: a float op between two GPU ops that WebGPU does not implement (Sign).
  it('catches a float op that WebGPU lacks, and the host-device copies around it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fedstroke-placement-sign-'));
    try {
      const model = join(dir, 'sign.onnx');
      const x: ValueInfo = { name: 'x', shape: ['N', 4] };
      await writeFile(
        model,
        encodeModel({
          name: 'sign_between_gpu_ops',
          inputs: [x],
          outputs: [{ name: 'z', shape: ['N', 4] }],
          nodes: [
            { op: 'Sigmoid', inputs: ['x'], outputs: ['p'] },
            { op: 'Sign', inputs: ['p'], outputs: ['s'] },
            { op: 'Sigmoid', inputs: ['s'], outputs: ['z'] },
          ],
        }),
      );
      const placement = await placementOf(model, 'webgpu');
      expect(placement.cpuFloatNodes.map((n) => n.opType)).toEqual(['Sign']);
      expect(placement.memcpy.length).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
