"""Run one command and write its wall time, CPU time and peak memory as JSON.

    python -I -S benchmarks/launch.py RESULT.json COMMAND [ARGS...]

run.py starts every measured command through this small process instead of directly, because
on Linux a child's `ru_maxrss` starts from the high-water mark of the address space it was
forked from: a command started straight from run.py (which holds the whole corpus in memory)
would be reported at run.py's size at least. Started from here, the floor is this script's
few megabytes, below any Python program's own peak.

Only the standard library is imported, and `-I -S` skips site-packages, so the launcher costs a
few milliseconds before the clock starts and nothing while it runs.
"""

import json
import os
import sys
import time


def busy_seconds() -> float:
    """CPU seconds the machine has spent busy since boot (idle and iowait excluded)."""
    try:
        with open("/proc/stat") as fh:
            fields = [int(part) for part in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    # Guest time is already counted in user time, so the first eight fields are the total.
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: launch.py RESULT.json COMMAND [ARGS...]", file=sys.stderr)
        return 2
    result, command = argv[0], argv[1:]
    busy_before, own_before = busy_seconds(), sum(os.times()[:2])
    started = time.perf_counter()
    try:
        pid = os.posix_spawnp(command[0], command, os.environ)
    except OSError as exc:
        print(f"launch.py: cannot run {command[0]}: {exc}", file=sys.stderr)
        return 127
    # wait4 gives the child's resource usage, its reaped descendants (worker processes) included.
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    busy = busy_seconds() - busy_before
    own = sum(os.times()[:2]) - own_before
    cpu = usage.ru_utime + usage.ru_stime
    data = {
        "wall": wall,
        "cpu": cpu,
        "maxrss_kb": usage.ru_maxrss,
        "returncode": os.waitstatus_to_exitcode(status),
        # CPU time that other processes used meanwhile: what inflates the wall time.
        "others": max(0.0, busy - cpu - own),
    }
    with open(result, "w") as fh:
        json.dump(data, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
