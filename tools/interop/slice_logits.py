#!/usr/bin/env python3
"""Shrinks the logits files of an unpacked peft_real.tar to their first N vocabulary columns (pure Python).

Usage: python3 tools/interop/slice_logits.py FIXTURE_DIR N BASE_DIR
Every *_logits.safetensors (float32, tensors (T, V)) is rewritten with tensors (T, N); manifest.json records
"logit_columns": N and the SHA-256 of BASE_DIR/model.safetensors, the base the adapters and logits belong to.
"""
import hashlib
import json
import os
import struct
import sys


def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    return header, data


def write(path, tensors, metadata):
    header = {"__metadata__": metadata} if metadata else {}
    blobs, offset = [], 0
    for name, (shape, blob) in tensors.items():
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))
    os.replace(tmp, path)


def main():
    fixture_dir, columns, base_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    for fname in sorted(os.listdir(fixture_dir)):
        if not fname.endswith("_logits.safetensors"):
            continue
        path = os.path.join(fixture_dir, fname)
        header, data = read(path)
        metadata = header.pop("__metadata__", None)
        out = {}
        for name, h in sorted(header.items()):
            assert h["dtype"] == "F32", (fname, name, h["dtype"])
            t, v = h["shape"]
            start = h["data_offsets"][0]
            rows = [data[start + 4 * v * i: start + 4 * (v * i + columns)] for i in range(t)]
            out[name] = ([t, columns], b"".join(rows))
        write(path, out, metadata)
        print("%s: %d tensors -> %d columns" % (fname, len(out), columns))
    manifest_path = os.path.join(fixture_dir, "manifest.json")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["logit_columns"] = columns
    with open(os.path.join(base_dir, "model.safetensors"), "rb") as f:
        manifest["base_model_sha256"] = hashlib.sha256(f.read()).hexdigest()
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
