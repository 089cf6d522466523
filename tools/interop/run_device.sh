#!/usr/bin/env bash
# Device command for the PEFT interop check (Python only, no Java there). Needs interop/ours from
# InteropExport in the working tree (carry it: it is not committed). Writes $OUT/report.json,
# $OUT/log.txt and $OUT/peft_real.tar.
set -o pipefail
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1 CUDA_VISIBLE_DEVICES=
python3 -c 'import torch,transformers,peft;print(torch.__version__,transformers.__version__,peft.__version__)' 2>&1 | tee "$OUT/log.txt"
timeout 230 python3 tools/interop/check_peft.py interop/ours data/models/tiny-base "$OUT" 2>&1 | tee -a "$OUT/log.txt"
