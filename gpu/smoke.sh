#!/usr/bin/env bash
# GPU smoke test: a WebGPU (default) or CUDA session with a strict provider (no silent CPU fallback), one training step and one
# whole-volume inference, each compared numerically with the same computation on CPU.
# Usage (from the project root): gpu/smoke.sh [config]   (default config: tiny)
# PROVIDER=cuda gpu/smoke.sh checks CUDA; PROVIDER=cpu dry-runs the script itself on a CPU machine.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${1:-tiny}"
MODELS="${MODELS:-onnx-models}"
[ -f "$MODELS/$CONFIG/manifest.json" ] || node bin/fedstroke.js artifacts --config "$CONFIG" --out "$MODELS"
[ "${PROVIDER:-webgpu}" != webgpu ] || [ -f "$MODELS/$CONFIG/webgpu/manifest.json" ] ||
  node bin/fedstroke.js artifacts --config "$CONFIG" --out "$MODELS" --provider webgpu
node scripts/build.js
node - "$MODELS/$CONFIG" "${PROVIDER:-webgpu}" <<'JS'
const { TrainingSession, InferenceModel, syntheticBatch } = require('./dist/libs/runtime/src');
(async () => {
  const [dir, device] = process.argv.slice(2);
  const relative = (a, b) => {
    let d = 0, n = 0;
    for (let i = 0; i < a.length; i++) { d += (a[i] - b[i]) ** 2; n += b[i] ** 2; }
    return Math.sqrt(d / Math.max(n, 1e-30));
  };
  const results = {};
  for (const [role, provider] of [['cpu', 'cpu'], ['device', device]]) {
    const session = await TrainingSession.create(dir, { provider, strict: true });
    const c = session.manifest.config.inChannels;
    const { image, label } = syntheticBatch(2, c, [32, 32, 32], 0);
    const t0 = performance.now();
    const loss = await session.trainStep(image, label);
    const trainMs = performance.now() - t0;
    const grads = session.getContiguousGradients();
    session.optimizerStep();
    const params = session.getContiguousParameters();
    await session.release();
    const model = await InferenceModel.create(dir, { provider, strict: true });
    const volume = syntheticBatch(1, c, [64, 128, 128], 1).image;
    const t1 = performance.now();
    const prob = await model.infer(volume);
    const inferMs = performance.now() - t1;
    await model.release();
    results[role] = { loss, grads, params, prob, trainMs, inferMs };
    console.log(`${provider}: loss ${loss.toFixed(6)}, first train step ${trainMs.toFixed(1)} ms, inference 1x${c}x64x128x128 ${inferMs.toFixed(1)} ms`);
  }
  const { cpu, device: gpu } = results;
  const checks = {
    'loss (relative)': Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss),
    'gradients (relative L2)': relative(gpu.grads, cpu.grads),
    'parameters after one step (relative L2)': relative(gpu.params, cpu.params),
    'probabilities (relative L2)': relative(gpu.prob, cpu.prob),
  };
  // cuDNN picks other convolution algorithms and may use TF32 on Ampere/Hopper: agreement at TF32 level, not bitwise.
  const tolerance = { 'loss (relative)': 1e-3, 'gradients (relative L2)': 1e-2, 'parameters after one step (relative L2)': 1e-3, 'probabilities (relative L2)': 1e-3 };
  let ok = true;
  for (const [name, value] of Object.entries(checks)) {
    const pass = value <= tolerance[name];
    ok &&= pass;
    console.log(`${pass ? 'ok  ' : 'FAIL'} ${name}: ${value.toExponential(2)} (tolerance ${tolerance[name]})`);
  }
  process.exit(ok ? 0 : 1);
})().catch((error) => { console.error(error); process.exit(1); });
JS
