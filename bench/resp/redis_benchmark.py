#!/usr/bin/env python3
"""redis-benchmark against Redis and against `sharedlist serve --resp-port`, each server pinned to the same core.

Usage: bench/resp/redis_benchmark.py SHAREDLIST [--model epoll] [--repeat 3] [--warmup 2] [--requests 200000]
           [--pipelined-requests 1000000] [--server-core 1] [--client-core 0]

SHAREDLIST is the command that runs the tool (e.g. src/SharedList.Cli/bin/Release/net10.0/sharedlist). For each
setting (-c 50 -P 1, -c 50 -P 16) and each repeat, redis-benchmark runs against Redis, then against SharedList, so
the two see the same machine, after unrecorded passes of each (--warmup); each server is started once, on its own free
port, pinned with taskset. Prints one
table of medians in requests per second (redis-benchmark's own figure) and the ratio SharedList / Redis, and the
raw runs as JSON on the last line.

Each test is also accounted in CPU, read from /proc as redis-benchmark finishes it: the server's CPU per request,
and how busy redis-benchmark kept its own core. When redis-benchmark is busy all the time on its core, its figure is
its own ceiling, not the server's, and the server's CPU per request is what tells the two servers apart.
"""
import argparse
import json
import os
import pty
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


TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
RESULT = re.compile(r"^\s*([A-Z_0-9 ()]+?)(?: \(first \d+ elements\))?: ([\d.]+) requests per second(?:, p50=([\d.]+) msec)?")


def cpu_seconds(pid):
    """User and system CPU of a process so far (a zombie not yet waited for still has them)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def run_benchmark(port, args, tests, requests, core, server_pid):
    """redis-benchmark's figure for each test, with the server's and its own CPU over that test.

    Its output goes to a terminal of its own, so each test's line arrives as the test ends, when both processes'
    CPU is read."""
    command = ["taskset", "-c", str(core), "redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-n", str(requests), "-q", "-t", tests, *args]
    controller, terminal = pty.openpty()
    client = subprocess.Popen(command, stdout=terminal, stderr=terminal, stdin=subprocess.DEVNULL, close_fds=True)
    os.close(terminal)
    previous = (time.perf_counter(), cpu_seconds(server_pid), cpu_seconds(client.pid))
    results = {}
    text = ""
    pending = b""
    try:
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                line = line.decode(errors="replace").rstrip("\r").split("\r")[-1]
                text += line + "\n"
                if "requests per second" not in line:
                    continue
                now = (time.perf_counter(), cpu_seconds(server_pid), cpu_seconds(client.pid))
                match = RESULT.match(line)
                if match:
                    wall = now[0] - previous[0]
                    results[match.group(1).strip()] = {
                        "rps": float(match.group(2)),
                        "p50_ms": float(match.group(3)) if match.group(3) else None,
                        "server_cpu_us_per_request": (now[1] - previous[1]) * 1e6 / requests,
                        "client_busy": (now[2] - previous[2]) / wall,
                    }
                previous = now
    finally:
        os.close(controller)
        returncode = client.wait(timeout=600)
    if returncode != 0 or "rror" in text:
        raise SystemExit(f"redis-benchmark failed: {text}")
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sharedlist")
    parser.add_argument("--model", default="epoll")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2, help="unrecorded passes over every setting before the first repeat")
    parser.add_argument("--requests", type=int, default=200000, help="-n of each run at -P 1")
    parser.add_argument("--pipelined-requests", type=int, default=1000000, help="-n of each run at -P 16, so each test lasts seconds")
    parser.add_argument("--server-core", type=int, default=1)
    parser.add_argument("--client-core", type=int, default=0)
    options = parser.parse_args()

    redis_port = free_port()
    redis = subprocess.Popen(["taskset", "-c", str(options.server_core), "redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    ours_port = free_port()
    ours = subprocess.Popen(["taskset", "-c", str(options.server_core), options.sharedlist, "serve", "--model", options.model, "--port", "0", "--resp-port", str(ours_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pid_of = {redis_port: redis.pid, ours_port: ours.pid}

    def requests_for(setting):
        return options.requests if setting.endswith("-P 1") else options.pipelined_requests

    runs = []
    try:
        wait_for(redis_port)
        wait_for(ours_port)
        # Unrecorded passes first: the .NET server compiles its hot paths as it runs (tiered JIT), as a fresh
        # process would for its first seconds of load. Pinned to one core, the runtime waits ten times longer
        # before it recompiles a hot method, and one pass left the first repeat at -P 16 still half compiled.
        for _ in range(options.warmup):
            for name, args, tests in SETTINGS:
                for port in (redis_port, ours_port):
                    subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], capture_output=True, timeout=30)
                    run_benchmark(port, args, tests, requests_for(name), options.client_core, pid_of[port])
        for repeat in range(options.repeat):
            for name, args, tests in SETTINGS:
                for target, port in (("redis", redis_port), ("sharedlist", ours_port)):
                    # Each run starts from empty lists, as redis-benchmark's own tests assume.
                    subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], capture_output=True, timeout=30)
                    results = run_benchmark(port, args, tests, requests_for(name), options.client_core, pid_of[port])
                    runs.append({"setting": name, "target": target, "repeat": repeat, "requests": requests_for(name), "results": results})
                    print(f"{name} {target} #{repeat}: " + ", ".join(f"{t} {r['rps']:,.0f}/s {r['server_cpu_us_per_request']:.2f} µs client {r['client_busy']:.0%}" for t, r in results.items()), file=sys.stderr)
    finally:
        for process in (redis, ours):
            process.kill()
            process.wait()

    print(f"| setting | test | Redis req/s | SharedList ({options.model}) req/s | SharedList ÷ Redis | server CPU µs/req, Redis | SharedList | SharedList ÷ Redis | redis-benchmark busy, on Redis | on SharedList |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    order = ["RPUSH", "LPUSH", "LPOP"]
    for name, _, _ in SETTINGS:
        tests = sorted({t for r in runs if r["setting"] == name for t in r["results"]}, key=lambda t: order.index(t) if t in order else 9)
        for test in tests:
            def median(target, field):
                return statistics.median(r["results"][test][field] for r in runs if r["setting"] == name and r["target"] == target and test in r["results"])
            rps = {t: median(t, "rps") for t in ("redis", "sharedlist")}
            cpu = {t: median(t, "server_cpu_us_per_request") for t in ("redis", "sharedlist")}
            busy = {t: median(t, "client_busy") for t in ("redis", "sharedlist")}
            print(f"| {name} | {test} | {rps['redis']:,.0f} | {rps['sharedlist']:,.0f} | {rps['sharedlist'] / rps['redis']:.2f} × "
                  f"| {cpu['redis']:.2f} | {cpu['sharedlist']:.2f} | {cpu['sharedlist'] / cpu['redis']:.2f} "
                  f"| {busy['redis']:.0%} | {busy['sharedlist']:.0%} |")
    print(json.dumps(runs))


if __name__ == "__main__":
    main()
