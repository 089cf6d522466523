#!/usr/bin/env python3
"""Start a Jupyter kernel N times and count the starts that never answer kernel_info.

Usage: /usr/bin/python3 kernel-ext/tools/kernel_starts.py KERNEL_NAME N

Each start: launch the kernel, wait up to 90 s for it to answer kernel_info, run "1+1", shut it down. Prints the
ready times and the number of hung starts. Run it on a busy machine (a training job on every core) to provoke
start-up races; see KernelLauncher.
"""
import sys
import time

import jupyter_client


def main():
    name, n = sys.argv[1], int(sys.argv[2])
    ready, hung = [], 0
    for i in range(n):
        km = jupyter_client.KernelManager(kernel_name=name)
        t0 = time.time()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=90)
            ready.append(time.time() - t0)
            kc.execute_interactive("1+1", timeout=60)
        except Exception as e:  # a hung start raises RuntimeError("Kernel didn't respond …")
            hung += 1
            print(f"start {i} failed: {type(e).__name__}: {str(e)[:80]}", flush=True)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    print(f"{name}: {len(ready)}/{n} ready, {hung} hung; ready in " + ", ".join(f"{t:.1f} s" for t in ready))


if __name__ == "__main__":
    main()
