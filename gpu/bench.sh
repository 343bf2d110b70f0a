#!/usr/bin/env bash
# The GPU benchmark, one script: train step (batch 2) and whole-volume inference of the bench and isles U-Nets on
# WebGPU (strict: a silent CPU fallback would make the figures meaningless), on the CPU provider of the same machine,
# and on PyTorch with CUDA (fp32, and bf16 autocast with --amp), plus the CPU lowering on WebGPU at patch 64 to check
# that the webgpu lowering is the faster one there. Results: one JSON line per run in $RESULTS/bench.jsonl, then a
# table on stdout (gpu/summarize.js). See gpu/README.md for carrying it to a machine without network (gpu/bundle.sh).
#
# Usage (from the project root or the unpacked bundle): gpu/bench.sh
# Environment:
#   RESULTS      where bench.jsonl goes (default $OUT when set, else gpu-results)
#   MODELS       scratch folder for the generated artifacts (default /tmp/fedstroke-gpu-models)
#   CPU_THREADS  ORT threads of the CPU baseline (default: every core)
#   TORCH_SCRIPT the PyTorch reference (default ../shared/bench/torch_unet3d.py, else gpu/torch_unet3d.py)
#   PYTHON       the interpreter that has torch with CUDA (default python3)
#   PER_RUN_S    wall-clock limit of each run (default 150)
#   DRY=1        dry run of this script itself on a CPU machine: tiny config, small patches, WebGPU on lavapipe,
#                torch on cpu (says nothing about speed)
set -uo pipefail
cd "$(dirname "$0")/.."
RESULTS="${RESULTS:-${OUT:-gpu-results}}"
MODELS="${MODELS:-/tmp/fedstroke-gpu-models}"
CPU_THREADS="${CPU_THREADS:-$(nproc)}"
PYTHON="${PYTHON:-python3}"
PER_RUN_S="${PER_RUN_S:-150}"
TORCH_SCRIPT="${TORCH_SCRIPT:-../shared/bench/torch_unet3d.py}"
[ -f "$TORCH_SCRIPT" ] || TORCH_SCRIPT=gpu/torch_unet3d.py
mkdir -p "$RESULTS"
LOG="$RESULTS/bench.jsonl"
: >"$LOG"

if [ "${DRY:-0}" = 1 ]; then
  CONFIGS=(tiny); PATCHES=(16 32); VOLUME_SMALL=(16 32 32); VOLUME_LARGE=(32 32 32); DEVICE=cpu; GPU=webgpu
  GPU_STEPS=(--steps 1 --warmup 1)
else
  CONFIGS=(bench isles); PATCHES=(64 128); VOLUME_SMALL=(64 128 128); VOLUME_LARGE=(128 128 128); DEVICE=cuda; GPU=webgpu
  GPU_STEPS=(--steps 5 --warmup 2)
fi

# One run: a label, then the command; its JSON line (or the failure) goes to the log with the label. Every command
# carries its own time limit (PER_RUN_S), so that one hung or slow run does not take the rest of the device time.
record() {
  local label="$1"; shift
  local line
  line="$("$@" 2>"$RESULTS/last-stderr.txt" | tail -n 1)"
  local code=$?
  if [ -z "$line" ] || [ "${line:0:1}" != "{" ]; then
    line="{\"ok\":false,\"error\":\"exit $code: $(grep -v onnxruntime "$RESULTS/last-stderr.txt" | tail -n 2 | tr '\n' ' ' | tr -cd '[:alnum:] .,:;()/_=+-' | cut -c1-300)\"}"
  fi
  echo "{\"label\":\"$label\",\"result\":$line}" >>"$LOG"
  echo "$label: $(echo "$line" | cut -c1-160)"
}

# PyTorch prints "train step (fwd+bwd+adam): median X ms" / "forward (no_grad): median X ms"; turned into JSON.
torch_run() {
  timeout "$PER_RUN_S" "$PYTHON" "$TORCH_SCRIPT" --device "$DEVICE" "$@" | awk '
    /^device:/ { sub(/^device: /, ""); device = $0 }
    /median [0-9.]+ ms/ { for (i = 1; i <= NF; i++) if ($i == "median") median = $(i + 1); for (i = 1; i <= NF; i++) if ($i == "min") min = $(i + 1) }
    /^peak GPU memory/ { gpu = $4 }
    END { if (median == "") exit 1; gsub(/"/, "", device); printf "{\"ok\":true,\"medianMs\":%s,\"minMs\":%s,\"device\":\"%s\",\"peakGpuMiB\":\"%s\"}\n", median, min, device, gpu }'
}

torch_args() {
  case "$1" in
    tiny) echo "--in-channels 3 --base 4 --levels 3" ;;
    bench) echo "--in-channels 3 --base 8 --levels 4" ;;
    isles) echo "--in-channels 3 --base 32 --levels 5 --cap 320" ;;
  esac
}

echo "== machine"
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"; } | sed 's/^/  /'
node -e 'const o=require("os");console.log(`  node ${process.version}, ${o.cpus().length} x ${o.cpus()[0].model}`)'
"$PYTHON" -c 'import torch; print(f"  torch {torch.__version__}, cuda {torch.cuda.is_available()}")' 2>/dev/null || echo "  no torch"

echo "== artifacts (deterministic; cpu and webgpu lowerings; the cpu lowering alone in a second root)"
for config in "${CONFIGS[@]}"; do
  record "artifacts $config cpu" timeout "$PER_RUN_S" node gpu/bench.js artifacts --config "$config" --provider cpu --models "$MODELS"
  record "artifacts $config webgpu" timeout "$PER_RUN_S" node gpu/bench.js artifacts --config "$config" --provider webgpu --models "$MODELS"
  record "artifacts $config cpu-only" timeout "$PER_RUN_S" node gpu/bench.js artifacts --config "$config" --provider cpu --models "$MODELS/cpu-only"
done

for config in "${CONFIGS[@]}"; do
  for patch in "${PATCHES[@]}"; do
    echo "== train $config, patch $patch, batch 2"
    record "train $config $patch $GPU" timeout "$PER_RUN_S" node gpu/bench.js train --config "$config" --patch "$patch" --provider "$GPU" \
      --models "$MODELS" "${GPU_STEPS[@]}" --threads 4
    record "train $config $patch torch-$DEVICE" torch_run $(torch_args "$config") --patch "$patch" --batch 2 --steps 10 --warmup 3
    [ "$DEVICE" = cuda ] && record "train $config $patch torch-$DEVICE-amp" torch_run $(torch_args "$config") --patch "$patch" --batch 2 --steps 10 --warmup 3 --amp
  done
  echo "== train $config, patch ${PATCHES[0]}: the cpu lowering on $GPU, and the CPU provider ($CPU_THREADS threads)"
  record "train $config ${PATCHES[0]} $GPU-cpu-lowering" timeout "$PER_RUN_S" node gpu/bench.js train --config "$config" --patch "${PATCHES[0]}" \
    --provider "$GPU" --models "$MODELS/cpu-only" "${GPU_STEPS[@]}" --threads 4
  record "train $config ${PATCHES[0]} cpu" timeout "$PER_RUN_S" node gpu/bench.js train --config "$config" --patch "${PATCHES[0]}" --provider cpu \
    --models "$MODELS" --steps 2 --warmup 1 --threads "$CPU_THREADS"
  for volume in "${VOLUME_SMALL[*]}" "${VOLUME_LARGE[*]}"; do
    echo "== infer $config, volume $volume"
    # shellcheck disable=SC2086
    record "infer $config ${volume// /x} $GPU" timeout "$PER_RUN_S" node gpu/bench.js infer --config "$config" --volume $volume --provider "$GPU" \
      --models "$MODELS" "${GPU_STEPS[@]}" --threads 4
    # shellcheck disable=SC2086
    record "infer $config ${volume// /x} torch-$DEVICE" torch_run $(torch_args "$config") --infer --volume $volume --steps 10 --warmup 3
  done
  small="${VOLUME_SMALL[*]}"
  # shellcheck disable=SC2086
  record "infer $config ${small// /x} cpu" timeout "$PER_RUN_S" node gpu/bench.js infer --config "$config" --volume ${VOLUME_SMALL[*]} \
    --provider cpu --models "$MODELS" --steps 2 --warmup 1 --threads "$CPU_THREADS"
done

echo "== summary ($LOG)"
node gpu/summarize.js "$LOG"
