/**
 * Under WebGPU (lavapipe in CI: .ci/run installs Mesa 25 from bookworm-backports) every float op of the training,
 * eval and inference graphs of the webgpu lowering runs on the GPU and ORT inserts no Memcpy between host and
 * device: proven from ORT's own verbose placement log. Only int64 shape arithmetic may stay on the CPU, which ORT
 * does on purpose (it reads shapes, never tensor data). The CPU lowering on WebGPU is the counter-example that shows
 * the check can fail.
 */
import { resolve } from 'node:path';
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

  it('catches the CPU lowering, whose LeakyReLU backward uses Sign, which WebGPU lacks', async () => {
    const placement = await placementOf(`${models}/tiny/training_model.onnx`, 'webgpu');
    expect(placement.memcpy.length).toBeGreaterThan(0);
    expect(placement.cpuFloatNodes.map((n) => n.opType)).toContain('Sign');
  });
});
