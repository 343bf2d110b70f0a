#!/usr/bin/env bash
# GPU benchmark: the CPU benchmarks' workloads on the CUDA provider (strict: a silent CPU fallback would make the
# figures meaningless), then the CPU figures of the same machine as the baseline.
# Usage (from the project root): gpu/bench.sh [config]   (default config: bench)
# Environment: THREADS (ORT intra-op threads, default 4), PROVIDER (default cuda), STEPS (timed GPU steps, default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="${1:-bench}"
THREADS="${THREADS:-4}"
PROVIDER="${PROVIDER:-cuda}"
STEPS="${STEPS:-20}"
run() { node bin/fedstroke.js bench "$@" --config "$CONFIG" --threads "$THREADS"; }
echo "== train, $PROVIDER: patch 64, batch 2";  run train --patch 64 --batch 2 --steps "$STEPS" --warmup 3 --provider "$PROVIDER" --strict
echo "== train, $PROVIDER: patch 128, batch 2"; run train --patch 128 --batch 2 --steps "$STEPS" --warmup 3 --provider "$PROVIDER" --strict
echo "== infer, $PROVIDER: volume 64 128 128";  run infer --volume 64 128 128 --steps "$STEPS" --warmup 2 --provider "$PROVIDER" --strict
echo "== train, cpu baseline: patch 64, batch 2"; run train --patch 64 --batch 2 --steps 3 --warmup 1
echo "== infer, cpu baseline: volume 64 128 128"; run infer --volume 64 128 128 --steps 3 --warmup 1
