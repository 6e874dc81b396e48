"""gunicorn settings for `bench/signatures.py --trace`: each worker process logs its full garbage
collections to $BENCH_GC_LOG, a line each: pid, start (Unix time), wall ms, CPU ms.

A full collection walks every object of the process, the ZIP data included (~400,000 objects,
~90 ms of CPU here), so one landing on a request would stall it; the log says whether any did.
"""

import gc
import os
import time


def post_fork(server, worker):
    path, began = os.environ["BENCH_GC_LOG"], {}

    def log_full_collections(phase: str, info: dict) -> None:
        if info["generation"] < 2:
            return
        if phase == "start":
            began.update(wall=time.time(), cpu=time.process_time())
            return
        wall_ms, cpu_ms = (time.time() - began["wall"]) * 1000, (time.process_time() - began["cpu"]) * 1000
        with open(path, "a") as log:
            log.write(f"{os.getpid()} {began['wall']:.3f} {wall_ms:.1f} {cpu_ms:.1f}\n")

    gc.callbacks.append(log_full_collections)
