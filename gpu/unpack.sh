#!/usr/bin/env bash
# On the GPU machine, inside the unpacked bundle (gpu/bundle.sh): install the Vulkan loader, unpack ONNX Runtime (and
# node when the machine has none) and point the loader at NVIDIA's ICD. Source it so the exports stay:
#   cd .gpu-bundle && source gpu/unpack.sh && gpu/bench.sh
for deb in debs/*.deb; do dpkg -x "$deb" /; done
ldconfig
python3 -c 'import lzma, shutil, sys
for src, dst in [(a, a[:-3]) for a in sys.argv[1:]]:
    with lzma.open(src) as i, open(dst, "wb") as o: shutil.copyfileobj(i, o)' \
  node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1.xz $( [ -f node.xz ] && echo node.xz )
if [ -f node ]; then chmod +x node; mkdir -p bin; mv node bin/node; export PATH="$PWD/bin:$PATH"; fi
export VK_DRIVER_FILES="${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}"
export FEDSTROKE_DIST="$PWD/dist"
node --version
ls -l "$VK_DRIVER_FILES"
