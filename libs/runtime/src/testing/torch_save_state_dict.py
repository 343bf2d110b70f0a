#!/usr/bin/env python3
"""Writes a freshly initialized ../shared/bench/torch_unet3d.py UNet3D's state_dict as safetensors (F32).

The weights a hospital would bring from PyTorch: `torch_save_state_dict.py OUT --in-channels 3 --base 4 --levels 3
--cap 32 --seed 1`. Written with the stdlib (no safetensors package needed). Test oracle only (Debian python3-torch).
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


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--in-channels", type=int, default=3)
    p.add_argument("--base", type=int, default=4)
    p.add_argument("--levels", type=int, default=3)
    p.add_argument("--cap", type=int, default=None)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    torch.manual_seed(args.seed)
    model = UNet3D(args.in_channels, args.base, args.levels, cap=args.cap)
    header, chunks, offset = {}, [], 0
    # Reversed on purpose: names, not file order, must decide where each tensor goes.
    for name, tensor in reversed(list(model.state_dict().items())):
        raw = np.ascontiguousarray(tensor.detach().numpy(), dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"framework": "pytorch"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(args.out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


if __name__ == "__main__":
    main()
