#!/usr/bin/env python3
"""redis-benchmark against Redis and against `sharedlist serve --resp-port`, each server pinned to the same core.

Usage: bench/resp/redis_benchmark.py SHAREDLIST [--model epoll] [--repeat 3] [--requests 200000] [--server-core 1] [--client-core 0]

SHAREDLIST is the command that runs the tool (e.g. src/SharedList.Cli/bin/Release/net10.0/sharedlist). For each
setting (-c 50 -P 1, -c 50 -P 16) and each repeat, redis-benchmark runs against Redis, then against SharedList, so
the two see the same machine, after one unrecorded pass of each; each server is started once, on its own free
port, pinned with taskset. Prints one
table of medians in requests per second (redis-benchmark's own figure) and the ratio SharedList / Redis, and the
raw runs as JSON on the last line.
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SETTINGS = [
    ("-c 50 -P 1", ["-c", "50", "-P", "1"], "rpush,lpush,lpop,lrange_100,lrange_300"),
    ("-c 50 -P 16", ["-c", "50", "-P", "16"], "rpush,lpush,lpop,lrange_100,lrange_300"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, deadline=30):
    end = time.time() + deadline
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port} after {deadline} s")


def run_benchmark(port, args, tests, requests, core):
    command = ["taskset", "-c", str(core), "redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-n", str(requests), "-q", "-t", tests, *args]
    output = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if output.returncode != 0 or "rror" in output.stdout + output.stderr:
        raise SystemExit(f"redis-benchmark failed: {output.stdout} {output.stderr}")
    results = {}
    for line in output.stdout.replace("\r", "\n").splitlines():
        match = re.match(r"^\s*([A-Z_0-9 ()]+?)(?: \(first \d+ elements\))?: ([\d.]+) requests per second", line)
        if match:
            results[match.group(1).strip()] = float(match.group(2))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sharedlist")
    parser.add_argument("--model", default="epoll")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200000)
    parser.add_argument("--server-core", type=int, default=1)
    parser.add_argument("--client-core", type=int, default=0)
    options = parser.parse_args()

    redis_port = free_port()
    redis = subprocess.Popen(["taskset", "-c", str(options.server_core), "redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    ours_port = free_port()
    ours = subprocess.Popen(["taskset", "-c", str(options.server_core), options.sharedlist, "serve", "--model", options.model, "--port", "0", "--resp-port", str(ours_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs = []
    try:
        wait_for(redis_port)
        wait_for(ours_port)
        # One unrecorded pass first: the .NET server compiles its hot paths as it runs (tiered JIT), as a fresh
        # process would for its first seconds of load.
        for name, args, tests in SETTINGS:
            for port in (redis_port, ours_port):
                subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], capture_output=True, timeout=30)
                run_benchmark(port, args, tests, options.requests, options.client_core)
        for repeat in range(options.repeat):
            for name, args, tests in SETTINGS:
                for target, port in (("redis", redis_port), ("sharedlist", ours_port)):
                    # Each run starts from empty lists, as redis-benchmark's own tests assume.
                    subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], capture_output=True, timeout=30)
                    results = run_benchmark(port, args, tests, options.requests, options.client_core)
                    runs.append({"setting": name, "target": target, "repeat": repeat, "results": results})
                    print(f"{name} {target} #{repeat}: {results}", file=sys.stderr)
    finally:
        for process in (redis, ours):
            process.kill()
            process.wait()

    print(f"| setting | test | Redis req/s | SharedList ({options.model}) req/s | SharedList / Redis |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, _, _ in SETTINGS:
        tests = sorted({t for r in runs if r["setting"] == name for t in r["results"]}, key=lambda t: ["RPUSH", "LPUSH", "LPOP"].index(t) if t in ("RPUSH", "LPUSH", "LPOP") else 9)
        for test in tests:
            medians = {}
            for target in ("redis", "sharedlist"):
                values = [r["results"][test] for r in runs if r["setting"] == name and r["target"] == target and test in r["results"]]
                medians[target] = statistics.median(values)
            print(f"| {name} | {test} | {medians['redis']:,.0f} | {medians['sharedlist']:,.0f} | {medians['sharedlist'] / medians['redis']:.2f} × |")
    print(json.dumps(runs))


if __name__ == "__main__":
    main()
