/**
 * Times the formulations of a 3-D conv's pieces (forward, dX, dW) as separate ONNX graphs in onnxruntime-node,
 * interleaving the variants round-robin so machine load hits them alike, and prints the median CPU ms of each.
 * Usage (after `npm run build`):
 *   node dist/libs/autograd/tools/conv-backward-bench.js [--n 2] [--c 16] [--size 48] [--stride 1] [--reps 5] [--threads 1]
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../src/graph-builder';
import { convGradInput, gradInputMergedPhases, gradInputStrided } from '../src/ops/conv3d-grad-input';
import { convGradWeightByDilatedConv, convGradWeightBySlices } from '../src/ops/conv3d-grad-weight';
import { convGradWeightByShiftStack } from '../src/ops/conv3d-grad-weight-stack';
import { Conv3dAttrs, emitConv } from '../src/ops/conv3d';
import { Tensor } from '../src/tensor';

function flag(name: string, fallback: string): number {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? process.argv[i + 1] : fallback);
}

type Build = (g: GraphBuilder, x: Tensor, w: Tensor, gy: Tensor, attrs: Conv3dAttrs) => Tensor;

const dilatedGradWeight: Build = (g, x, w, gy, attrs) => convGradWeightByDilatedConv(g, gy, x, w, attrs);

async function main(): Promise<void> {
  const n = flag('n', '2');
  const c = flag('c', '16');
  const size = flag('size', '48');
  const stride = flag('stride', '1');
  const reps = flag('reps', '5');
  const threads = flag('threads', '1');
  const attrs: Conv3dAttrs = { kernel: 3, stride, padding: 1 };
  const xShape = [n, c, size, size, size];
  const ySize = size / stride;
  const gyShape = [n, c, ySize, ySize, ySize];
  const variants: Record<string, Build> = {
    forward: (g, x, w) => emitConv(g, x, w, undefined, attrs),
    dX: (g, x, w, gy) => convGradInput(g, gy, x, w, attrs),
    ...(stride > 1
      ? {
          'dX phases (8 Convs)': (g: GraphBuilder, x: Tensor, w: Tensor, gy: Tensor) =>
            gradInputStrided(g, gy, x, w, attrs),
          'dX merged phases (1 Conv)': (g: GraphBuilder, x: Tensor, w: Tensor, gy: Tensor) =>
            gradInputMergedPhases(g, gy, x, w, attrs) as Tensor,
        }
      : {}),
    'dW slices, 1 tap/Gemm': (g, x, w, gy) => convGradWeightBySlices(g, gy, x, w, attrs, 1),
    'dW slices, 3 taps/Gemm': (g, x, w, gy) => convGradWeightBySlices(g, gy, x, w, attrs, 3),
    ...(stride === 1
      ? {
          'dW shift stack, row (cpu)': (g: GraphBuilder, x: Tensor, w: Tensor, gy: Tensor) =>
            convGradWeightByShiftStack(g, gy, x, w, attrs, { layout: 'channels-first', stacked: 'row' }),
          'dW shift stack, plane': (g: GraphBuilder, x: Tensor, w: Tensor, gy: Tensor) =>
            convGradWeightByShiftStack(g, gy, x, w, attrs, { layout: 'channels-first', stacked: 'plane' }),
          'dW shift stack, planes (webgpu)': (g: GraphBuilder, x: Tensor, w: Tensor, gy: Tensor) =>
            convGradWeightByShiftStack(g, gy, x, w, attrs, { layout: 'planes', stacked: 'plane' }),
        }
      : {}),
    'dW conv (dilation = stride)': dilatedGradWeight,
  };
  const rand = (len: number) => Float32Array.from({ length: len }, () => Math.random() - 0.5);
  const feeds = {
    x: new ort.Tensor('float32', rand(xShape.reduce((a, b) => a * b)), xShape),
    w: new ort.Tensor('float32', rand(c * c * 27), [c, c, 3, 3, 3]),
    gy: new ort.Tensor('float32', rand(gyShape.reduce((a, b) => a * b)), gyShape),
  };
  const sessions: Array<[string, ort.InferenceSession]> = [];
  for (const [name, build] of Object.entries(variants)) {
    const g = new GraphBuilder();
    const x = g.input('x', ['N', c, 'D', 'H', 'W']);
    const w = g.input('w', [c, c, 3, 3, 3]);
    const gy = g.input('gy', ['N', c, 'D2', 'H2', 'W2']);
    g.output(build(g, x, w, gy, attrs), 'out');
    const session = await ort.InferenceSession.create(g.toModel(name), {
      intraOpNumThreads: threads,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
    sessions.push([name, session]);
  }
  const used = (s: ort.InferenceSession) =>
    Object.fromEntries(s.inputNames.map((k) => [k, feeds[k as keyof typeof feeds]]));
  // CPU time (user + system) per run: on a shared machine it measures the work, where wall time also measures load.
  const times = new Map<string, number[]>(sessions.map(([name]) => [name, []]));
  for (let r = 0; r < reps + 1; r++) {
    for (const [name, session] of sessions) {
      const cpu0 = process.cpuUsage();
      await session.run(used(session));
      const cpu = process.cpuUsage(cpu0);
      if (r > 0) times.get(name)!.push((cpu.user + cpu.system) / 1000);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const forward = median(times.get('forward')!);
  console.log(`N=${n} C=${c}->${c} ${size}^3 stride ${stride}, ${threads} thread(s), median of ${reps}`);
  for (const [name, t] of times)
    console.log(
      `${name.padEnd(30)} ${median(t).toFixed(1).padStart(8)} ms  ${(median(t) / forward).toFixed(2)}x forward`,
    );
}

void main();
