#!/usr/bin/env bash
# Runs finetune4j on the device machine's GPU from the kit tools/cuda/build-kit.sh made; called by the
# device tool from the repository root with .cudakit carried:
#   bash tools/cuda/run-device.sh STEP...
# STEP is one of: doctor | doctor-fp16 | bench-lora | bench-lora-tf32 | bench-lora-fp16 | bench-lora-long (heap
# pre-touched) | bench-lora-long-touch (not) | bench-lora-long-heap2g |
# bench-lora-long-arena (glibc MALLOC_ARENA_MAX=2) | bench-qlora | bench-qlora-host (NF4 decoded on the host, the
# CPU's path) | bench-qlora-long | bench-full | bench-lora-big | bench-full-big | quickstart | quickstart-fp16
# Writes to $OUT: libdjl_torch.so (when built here), setup.txt and one log per step. DJL 0.36 ships its
# JNI for libtorch 2.7.1; the machine has Python PyTorch 2.11 (CUDA 13), so the JNI is compiled here
# against that libtorch, and DJL is pointed at it with PYTORCH_LIBRARY_PATH.
set -uo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
root=$PWD
kit=$root/.cudakit
w=/tmp/ft4j
mkdir -p "$w"
exec 3>&1
setup() {
  date
  nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv
  command -v java g++ nvcc cmake || true
  torch_dir=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
  python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda, "abi", int(torch._C._GLIBCXX_USE_CXX11_ABI))'
  abi=$(python3 -c 'import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
  tar -xJf "$kit/jre.tar.xz" -C "$w" && tar -xJf "$kit/jars.tar.xz" -C "$w" && tar -xJf "$kit/classes.tar.xz" -C "$w" || return 1
  "$w/jre/bin/java" -version 2>&1 | head -1
  if [ -f "$kit/libdjl_torch.so" ]; then
    cp "$kit/libdjl_torch.so" "$w/libdjl_torch.so"
    echo "JNI: prebuilt from the kit"
  else
    cuda_inc=$(dirname "$(find /usr/local/cuda/include /usr/local/cuda*/include "$torch_dir/../nvidia" -name cuda_runtime_api.h 2>/dev/null | head -1)")
    echo "CUDA headers: $cuda_inc"
    extra_inc=$(find "$torch_dir/../nvidia" -maxdepth 3 -name include -type d 2>/dev/null | sed 's/^/-I/' | tr '\n' ' ')
    mkdir -p "$w/obj"
    local flags="-O2 -fPIC -w -DUSE_CUDA -D_GLIBCXX_USE_CXX11_ABI=$abi -I$kit/jni/include -I$kit/jni/src
      -I$kit/jni/jdk-include -I$kit/jni/jdk-include/linux -I$torch_dir/include
      -I$torch_dir/include/torch/csrc/api/include -I$cuda_inc $extra_inc"
    # one compiler per source file, in parallel; a file that fails is reported and left out: JNI binds
    # lazily, so only its own native methods are missing (profiler, TorchScript loading) and we call few
    for f in "$kit"/jni/src/*.cc; do
      ( b=$(basename "$f" .cc)
        g++ -std=c++17 $flags -c "$f" -o "$w/obj/$b.o" 2>"$w/obj/$b.err" \
          || g++ -std=c++20 $flags -c "$f" -o "$w/obj/$b.o" 2>"$w/obj/$b.err" \
          || g++ -std=c++20 ${flags/-DUSE_CUDA/} -c "$f" -o "$w/obj/$b.o" 2>>"$w/obj/$b.err" \
          || { echo "COMPILE FAILED: $b"; head -c 3000 "$w/obj/$b.err"; rm -f "$w/obj/$b.o"; } ) &
    done
    wait
    g++ -shared -o "$w/libdjl_torch.so" "$w"/obj/*.o -L"$torch_dir/lib" -Wl,-rpath,"$torch_dir/lib" \
        -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10 -ltorch_cuda -lc10_cuda || return 1
    cp "$w/libdjl_torch.so" "$OUT/"
    echo "JNI: built ($(ls "$w"/obj/*.o | wc -l) objects)"
  fi
  # DJL loads every library in PYTORCH_LIBRARY_PATH: give it a folder with libtorch's five and the JNI
  mkdir -p "$w/lib"
  for l in libc10.so libc10_cuda.so libtorch_cpu.so libtorch_cuda.so libtorch.so; do ln -sf "$torch_dir/lib/$l" "$w/lib/$l"; done
  cp "$w/libdjl_torch.so" "$w/lib/"
  # the symlinked libraries find their own dependencies through these, not through $ORIGIN
  nv=$(find "$torch_dir/.." -path '*nvidia*' -name 'lib' -type d 2>/dev/null | tr '\n' ':')
  export LD_LIBRARY_PATH="$torch_dir/lib:$nv/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"
  mkdir -p "$w/cudart"
  rt=$(find "$torch_dir/.." /usr/local/cuda/lib64 -name 'libcudart.so*' 2>/dev/null | head -1)
  ln -sf "$rt" "$w/cudart/libcudart.so"  # DJL's CudaUtils asks JNA for plain "cudart"
  export PYTORCH_LIBRARY_PATH="$w/lib" PYTORCH_VERSION=$(python3 -c 'import torch;print(torch.__version__.split("+")[0])') PYTORCH_FLAVOR=cu130
  cp_=$(ls "$w"/jars/*.jar | tr '\n' ':')
  export CP="$w/classes:$cp_"
  return 0
}
ft4j() { # a file, not a function, so that timeout can run it
  timeout "$1" "$w/jre/bin/java" -Xmx24g -XX:MaxDirectMemorySize=4g -Djna.library.path="$w/cudart" ${JAVA_EXTRA:-} -cp "$CP" \
      org.finetune4j.cli.Main "${@:2}"
}
setup > "$OUT/setup.txt" 2>&1 || { cat "$OUT/setup.txt"; exit 1; }
cat "$OUT/setup.txt"
for step in "$@"; do
  log="$OUT/$step.txt"
  echo "=== $step $(date +%T)"
  start=$(date +%s)
  case "$step" in
    doctor) ft4j 120 doctor ;;
    doctor-fp16) FINETUNE4J_DTYPE=fp16 ft4j 120 doctor ;;
    bench-lora) ft4j 120 bench train --technique LORA --steps 300 --early 50 ;;
    bench-lora-tf32) TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 ft4j 120 bench train --technique LORA --steps 300 --early 50 ;;
    bench-lora-fp16) FINETUNE4J_DTYPE=fp16 ft4j 120 bench train --technique LORA --steps 300 --early 50 ;;
    # the long runs pre-touch the Java heap: otherwise RSS grows by the heap pages the JVM touches for the first
    # time (its initial heap is 1/64 of this machine's 128 GB), which is not native growth (measured 2026-11-27)
    bench-lora-long) JAVA_EXTRA=-XX:+AlwaysPreTouch ft4j 150 bench train --technique LORA --steps 1000 --early 50 ;;
    bench-lora-long-touch) ft4j 150 bench train --technique LORA --steps 1000 --early 50 ;;
    bench-lora-long-arena) MALLOC_ARENA_MAX=2 ft4j 150 bench train --technique LORA --steps 1000 --early 50 ;;
    bench-lora-long-heap2g) JAVA_EXTRA=-Xmx2g ft4j 150 bench train --technique LORA --steps 1000 --early 50 ;;
    bench-qlora-host) JAVA_EXTRA=-Dfinetune4j.nf4.dequant=host ft4j 120 bench train --technique QLORA --steps 300 --early 50 ;;
    bench-qlora-long) JAVA_EXTRA=-XX:+AlwaysPreTouch ft4j 150 bench train --technique QLORA --steps 800 --early 50 ;;
    bench-lora-big) TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 ft4j 150 bench train --technique LORA --steps 60 --early 20 \
        --dim 2048 --layers 8 --heads 16 --kv-heads 16 --ffn 5504 --vocab 32000 --seq 512 --batch 8 ;;
    bench-full-big) TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 ft4j 150 bench train --technique FULL --steps 60 --early 20 \
        --dim 2048 --layers 8 --heads 16 --kv-heads 16 --ffn 5504 --vocab 32000 --seq 512 --batch 8 ;;
    bench-qlora) ft4j 120 bench train --technique QLORA --steps 300 --early 50 ;;
    bench-full) ft4j 120 bench train --technique FULL --steps 300 --early 50 ;;
    quickstart) ft4j 300 quickstart --model .cudakit/tiny-base-bf16 --out /tmp/qs ;;
    quickstart-fp16) FINETUNE4J_DTYPE=fp16 ft4j 300 quickstart --model .cudakit/tiny-base-bf16 --out /tmp/qs16 ;;
    *) echo "unknown step $step" ;;
  esac > "$log" 2>&1
  echo "rc $? in $(( $(date +%s) - start )) s"
  nvidia-smi --query-gpu=memory.used,utilization.gpu --format=csv,noheader
  tail -c 2500 "$log"
done
