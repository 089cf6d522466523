"""Rewrites a float32 safetensors file in bfloat16 (round to nearest even), other dtypes unchanged.
Usage: to_bf16.py IN OUT. Numpy only: the device kit must fit the 64 MiB a device call carries."""
import json
import struct
import sys

import numpy as np


def main(src, dst):
    with open(src, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", None)
    out_header, chunks, offset = {}, [], 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        a, b = info["data_offsets"]
        raw = data[a:b]
        dtype = info["dtype"]
        if dtype == "F32":
            bits = np.frombuffer(raw, dtype="<u4").astype(np.uint64)
            rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16  # nearest, ties to even
            raw = rounded.astype("<u2").tobytes()
            dtype = "BF16"
        out_header[name] = {"dtype": dtype, "shape": info["shape"], "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if meta is not None:
        out_header["__metadata__"] = meta
    blob = json.dumps(out_header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    with open(dst, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for c in chunks:
            f.write(c)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
