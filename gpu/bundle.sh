#!/usr/bin/env bash
# Packs what gpu/bench.sh needs on a GPU machine that can fetch nothing and has no node_modules, into one folder of
# about 40 MB (the device tool carries 64 MiB with the working tree; see gpu/README.md):
#   dist/libs/{runtime,unet,autograd,common,metrics}  compiled libs (no Nest, no CLI)
#   node_modules/onnxruntime-{node,common}            the binding, its libonnxruntime.so.1 (WebGPU inside) xz-packed
#   node.xz                                           this machine's Node 20, for a machine without node
#   debs/libvulkan1_*.deb                             the Vulkan loader Dawn needs (Debian's, amd64)
#   gpu/{bench.sh,bench.js,summarize.js,unpack.sh}, gpu/torch_unet3d.py
# Usage (from the project root, after `npm run build`): gpu/bundle.sh [OUT_DIR]   (default .gpu-bundle)
# Environment: BUNDLE_NODE=0 leaves node out (the GPU machine has one: check `node --version` there first).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-.gpu-bundle}"
rm -rf "$OUT"
mkdir -p "$OUT/dist/libs" "$OUT/gpu" "$OUT/debs" "$OUT/node_modules"
node scripts/build.js
for lib in runtime unet autograd common metrics; do cp -r "dist/libs/$lib" "$OUT/dist/libs/"; done
find "$OUT/dist" -name '*.map' -delete
cp gpu/bench.sh gpu/bench.js gpu/summarize.js gpu/unpack.sh "$OUT/gpu/"
cp ../shared/bench/torch_unet3d.py "$OUT/gpu/torch_unet3d.py"
ort=node_modules/onnxruntime-node
mkdir -p "$OUT/$ort/bin/napi-v6/linux/x64"
cp -r "$ort/package.json" "$ort/dist" "$OUT/$ort/"
cp "$ort/bin/napi-v6/linux/x64/onnxruntime_binding.node" "$OUT/$ort/bin/napi-v6/linux/x64/"
xz -T0 -6 -c "$ort/bin/napi-v6/linux/x64/libonnxruntime.so.1" >"$OUT/$ort/bin/napi-v6/linux/x64/libonnxruntime.so.1.xz"
cp -r node_modules/onnxruntime-common "$OUT/node_modules/"
if [ "${BUNDLE_NODE:-1}" = 1 ]; then xz -T0 -6 -c "$(command -v node)" >"$OUT/node.xz"; fi
# The loader as a .deb for amd64 whatever this machine is (the recipe of /work/.library/device/README.md).
lists="$(mktemp -d)"
mkdir -p "$lists/partial"
apt_amd64=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
apt-get "${apt_amd64[@]}" update >/dev/null
(cd "$OUT/debs" && apt-get "${apt_amd64[@]}" download libvulkan1)
rm -rf "$lists"
du -sh "$OUT"
