#!/usr/bin/env python3
"""Loss and gradients of ../shared/bench/torch_unet3d.py's UNet3D for a fedstroke checkpoint and batch.

Reads CHECKPOINT (safetensors, keys = UNet3D state_dict keys) and BATCH (safetensors with `image` [N,C,D,H,W] and
`label` [N,1,D,H,W]), runs forward + dice_bce_loss + backward in PyTorch, and writes OUT (safetensors, F32): `loss`
(shape []) and one gradient per parameter under the parameter's name. Dev tool only (Debian python3-torch):

  /usr/bin/python3 libs/unet/tools/torch_grad_parity.py --checkpoint onnx-models/bench/checkpoint.safetensors \
      --batch batch.safetensors --out torch_grads.safetensors --base 8 --levels 4 [--float64]
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/bench"))
from torch_unet3d import UNet3D, dice_bce_loss  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} has dtype {info['dtype']}, expected F32")
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=base + begin).reshape(info["shape"])
    return out


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, array in tensors:
        raw = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--batch", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--in-channels", type=int, default=3)
    p.add_argument("--base", type=int, default=8)
    p.add_argument("--levels", type=int, default=4)
    p.add_argument("--float64", action="store_true", help="compute in float64 (written as F32)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    dtype = torch.float64 if args.float64 else torch.float32

    model = UNet3D(args.in_channels, args.base, args.levels)
    weights = read_safetensors(args.checkpoint)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()}, strict=True)
    model = model.to(dtype)
    batch = read_safetensors(args.batch)
    image = torch.from_numpy(batch["image"].copy()).to(dtype)
    label = torch.from_numpy(batch["label"].copy()).to(dtype)

    model.train()
    loss = dice_bce_loss(model(image), label)
    loss.backward()
    tensors = [("loss", np.array(loss.item(), dtype=np.float64).reshape(()))]
    tensors += [(name, p.grad.detach().numpy()) for name, p in model.named_parameters()]
    write_safetensors(args.out, tensors)
    print(json.dumps({"loss": loss.item(), "parameters": len(tensors) - 1, "dtype": str(dtype)}))


if __name__ == "__main__":
    main()
