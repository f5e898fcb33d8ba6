#!/usr/bin/env python3
"""Start-up time and idle memory of `sharedlist serve`, for comparing builds (JIT via dotnet, apphost, NativeAOT).

Each run starts `<command> serve --port 0`, times it from the start of the process to its readiness line
("listening on ..."), waits --settle seconds, reads VmRSS from /proc/PID/status, then types EXIT on its stdin
and waits for it to exit. Prints the median (and range) of each, per command.

    python3 bench/startup/startup.py --runs 10 \
        "dotnet src/SharedList.Cli/bin/Release/net10.0/sharedlist.dll" \
        src/SharedList.Cli/bin/Release/net10.0/sharedlist \
        /tmp/aot/sharedlist
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def one_run(command, settle, timeout):
    start = time.perf_counter()
    server = subprocess.Popen(
        command + ["serve", "--port", "0"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "SHAREDLIST_PASSWORD": "", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
    )
    try:
        line = server.stdout.readline()
        ready = time.perf_counter() - start
        if not line.startswith("listening on "):
            raise RuntimeError(f"{shlex.join(command)}: expected the readiness line, got {line!r}")
        time.sleep(settle)
        rss = vm_rss_kib(server.pid)
        server.stdin.write("EXIT\n")
        server.stdin.flush()
        server.wait(timeout=timeout)
        return ready, rss
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("commands", nargs="+", help="how to run sharedlist, e.g. 'dotnet path/sharedlist.dll'")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--settle", type=float, default=1.0, help="seconds idle after readiness before reading VmRSS")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()

    print(f"{'command':<60} {'ready ms (median, min-max)':>28} {'VmRSS MiB (median, min-max)':>30}")
    for text in args.commands:
        command = shlex.split(text)
        one_run(command, 0, args.timeout)  # unrecorded: the page cache holds the files from here on
        runs = [one_run(command, args.settle, args.timeout) for _ in range(args.runs)]
        ready = [r * 1000 for r, _ in runs]
        rss = [m / 1024 for _, m in runs]
        print(f"{text:<60} {statistics.median(ready):>10.1f} ({min(ready):.1f}-{max(ready):.1f}) "
              f"{statistics.median(rss):>14.1f} ({min(rss):.1f}-{max(rss):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
