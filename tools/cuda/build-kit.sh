#!/usr/bin/env bash
# Builds .cudakit/ (ignored by git), everything the device machine needs to run finetune4j on its GPU:
# that machine has CUDA and Python PyTorch but no Java, no Maven and no network, and DJL's own CUDA
# native jar is far over the 64 MiB a device call may carry. So the kit holds
#   jre.tar.xz        a jlink'ed Java 17 runtime
#   jars.tar.xz       the runtime classpath without pytorch-native-cpu (the device's libtorch is used)
#                     and without XChart's PDF stack; foreign-platform natives stripped
#   classes.tar.xz    target/classes
#   jni/              DJL 0.36.0's JNI sources (from a local DJL mirror, not committed here) and the
#                     JNI header javac generates, built on the device against its libtorch
#   tiny-base-bf16/   the bundled base in bfloat16 (half the bytes; the fp32 file would not fit)
#   libdjl_torch.so   optional: the JNI library an earlier device run built (tools/cuda/run-device.sh
#                     returns it), so later runs skip the build
# Usage: tools/cuda/build-kit.sh DJL_MIRROR_GIT_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${1:?usage: build-kit.sh DJL_MIRROR_GIT_DIR}
kit="$root/.cudakit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$kit"
cd "$root"
[ -f target/classpath.txt ] || ./mvnw -q -B -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime

if [ ! -f "$kit/jre.tar.xz" ]; then
  jlink --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.zipfs,java.scripting,jdk.crypto.ec \
      --strip-debug --no-header-files --no-man-pages --output "$tmp/jre"
  tar -C "$tmp" -cf - jre | xz -9 -T2 > "$kit/jre.tar.xz"
fi

if [ ! -f "$kit/jars.tar.xz" ]; then
  mkdir -p "$tmp/jars"
  for j in $(tr ':' '\n' < target/classpath.txt | grep -v -E 'pytorch-native-cpu|pytorch-jni|pdfbox|fontbox|graphics2d|VectorGraphics2D|animated-gif|xchart|commons-logging'); do
    d="$tmp/x/$(basename "$j")"
    mkdir -p "$d"
    (cd "$d" && unzip -qo "$j" && find . \( -name '*.so' -o -name '*.dll' -o -name '*.dylib' -o -name '*.jnilib' \) \
        | { grep -v -E 'linux-x86-64|linux-x86_64|linux/x86_64|Linux/x86_64' || true; } | xargs -r rm -f
     zip -q -0 -r -X "$tmp/jars/$(basename "$j")" .)  # stored: xz compresses the whole set better
  done
  tar -C "$tmp" -cf - jars | xz -9 -T2 > "$kit/jars.tar.xz"
fi

tar -C target -cf - classes | xz -6 -T2 > "$kit/classes.tar.xz"

if [ ! -d "$kit/jni" ]; then
  mkdir -p "$kit/jni/include/djl" "$kit/jni/src" "$kit/jni/jdk-include"
  git --git-dir="$mirror" archive v0.36.0 engines/pytorch/pytorch-native/src/main/native \
      engines/pytorch/pytorch-engine/src/main/java api/src/main/native/djl/utils.h | tar -x -C "$tmp"
  cp "$tmp"/engines/pytorch/pytorch-native/src/main/native/* "$kit/jni/src/"
  cp "$tmp"/api/src/main/native/djl/utils.h "$kit/jni/include/djl/"
  javac -h "$kit/jni/include" -d "$tmp/cls" -sourcepath "$tmp/engines/pytorch/pytorch-engine/src/main/java" \
      -cp "$(cat target/classpath.txt)" \
      "$tmp/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  cp -r "$jdk/include/." "$kit/jni/jdk-include/"
fi

if [ ! -d "$kit/tiny-base-bf16" ]; then
  mkdir -p "$kit/tiny-base-bf16"
  for f in data/models/tiny-base/*; do
    case "$(basename "$f")" in
      model.safetensors) python3 tools/cuda/to_bf16.py "$f" "$kit/tiny-base-bf16/model.safetensors" ;;
      *.csv|README.md) ;;
      *) cp "$f" "$kit/tiny-base-bf16/" ;;
    esac
  done
fi
du -sh "$kit"/* | sort -h
