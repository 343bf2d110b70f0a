#!/usr/bin/env python3
"""Loads fedstroke weights into ../shared/bench/torch_unet3d.py's UNet3D with load_state_dict(strict=True).

Reads MANIFEST (a model export's or an artifacts folder's manifest.json: its "config" gives the network) and WEIGHTS (a
safetensors file: a model export's model.safetensors, a training checkpoint), builds UNet3D from the config, loads the
file with strict=True (an unexpected or missing key fails), and prints JSON: the parameter names in state_dict order and
the sigmoid probabilities of a forward pass on the float32 input in --input (raw little-endian, shape --shape N C D H W).
Test oracle only (Debian python3-torch), never a runtime dependency.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../../../../shared/bench"))
from torch_unet3d import UNet3D  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=8 + n + begin).reshape(info["shape"])
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("manifest")
    p.add_argument("weights")
    p.add_argument("--input", required=True)
    p.add_argument("--shape", type=int, nargs=5, required=True)
    args = p.parse_args()
    torch.set_num_threads(1)
    with open(args.manifest) as f:
        config = json.load(f)["config"]
    model = UNet3D(config["inChannels"], config["baseFilters"], config["levels"], cap=config["featuresCap"])
    weights = read_safetensors(args.weights)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()}, strict=True)
    model.eval()
    image = np.fromfile(args.input, dtype="<f4").reshape(args.shape)
    with torch.no_grad():
        prob = torch.sigmoid(model(torch.from_numpy(image))).numpy().ravel()
    print(json.dumps({"names": list(model.state_dict().keys()), "prob": prob.tolist()}))


if __name__ == "__main__":
    main()
