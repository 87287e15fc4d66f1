"""Time `pipeline dump --stats` against peer xlsx readers, each as a whole process.

Usage: harness.py --big FILE --small FILE [--pipeline BIN] [--runs N] [--json OUT]

Runs the tools round-robin (the starting tool rotates each round) after one untimed warm-up
round, and reports medians of wall time and peak RSS. Peak RSS is the child's own
`ru_maxrss` from `os.wait4` (KiB on Linux). On Linux a child can't report less than the
harness's own peak RSS (exec records the spawning address space's high-water mark), so the
harness keeps its imports small and reports that floor. Every run must exit 0 and report the
same row count (`rows N`, header included) or the harness exits 1. `pipeline` is also run on
the small file to show how its peak RSS grows with rows: both files hold the same ~5,000
students, so the shared-string table is about the same size and growth should be near zero.
"""

import argparse
import os
import re
import subprocess
import sys
import time

# Imported late (json, platform, importlib.metadata): they would raise the RSS floor.

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = ["calamine", "fastexcel", "openpyxl"]
GOALS = [("calamine", 3.0), ("fastexcel", 2.0)]  # our speed ≥ k × peer
RSS_GOAL_MB = 100
# `rows N`, `rows: N`, `"rows": N` (our JSON stats), `rows=N` or `N rows`; first match wins.
ROWS_RE = [re.compile(r"\brows\"?\s*[:=]?\s*(\d[\d,]*)", re.I),
           re.compile(r"(\d[\d,]*)\s+rows\b", re.I)]


class ToolFailed(Exception):
    pass


def median(xs):
    xs = sorted(xs)
    return (xs[len(xs) // 2] + xs[(len(xs) - 1) // 2]) / 2


def run_child(name, argv, scratch, ok_codes=(0,)):
    """Run argv to completion; return (seconds, peak RSS MiB, stdout text, exit code)."""
    with open(scratch + ".out", "w+b") as out, open(scratch + ".err", "w+b") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen in sync
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    if code not in ok_codes:
        raise ToolFailed(
            f"{name} failed (exit {code}): {' '.join(argv)}\n"
            f"--- stderr ---\n{stderr.rstrip()}\n--- stdout ---\n{stdout.rstrip()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, stdout, code


def run_once(name, argv, scratch):
    """Run argv to completion; return (seconds, peak RSS MiB, rows reported on stdout)."""
    seconds, rss, stdout, _ = run_child(name, argv, scratch)
    for pattern in ROWS_RE:
        if m := pattern.search(stdout):
            return seconds, rss, int(m.group(1).replace(",", ""))
    raise ToolFailed(f"{name} printed no row count (`rows N`): {' '.join(argv)}\n{stdout[-2000:]}")


def write_results(path, result):
    """Write the results JSON (json is imported here, late: it would raise the harness's own
    peak RSS, which no child can go below)."""
    import json

    with open(path, "w") as f:
        json.dump(result, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"\nwrote {path}")


def bench(jobs, runs, expected_rows, scratch):
    """Warm up once, then time each job `runs` times round-robin; return per-job samples."""
    names = list(jobs)
    samples = {n: {"seconds": [], "rss_mb": []} for n in names}
    for round_no in range(-1, runs):  # round -1 is the warm-up, not recorded
        shift = max(round_no, 0) % len(names)
        for name in names[shift:] + names[:shift]:
            seconds, rss, rows = run_once(name, jobs[name], scratch)
            if rows != expected_rows[name]:
                raise ToolFailed(f"{name} saw {rows} rows, expected {expected_rows[name]}")
            if round_no >= 0:
                samples[name]["seconds"].append(round(seconds, 4))
                samples[name]["rss_mb"].append(round(rss, 1))
        label = "warm-up" if round_no < 0 else f"run {round_no + 1}/{runs}"
        print(f"  {label} done", file=sys.stderr, flush=True)
    return samples


def count_rows(python, path, scratch):
    """Rows in the file's first sheet (header included), counted once by python-calamine."""
    argv = [python, os.path.join(HERE, "peer.py"), "calamine", path]
    return run_once("calamine", argv, scratch)[2]


def rss_floor(scratch):
    """Peak RSS a trivial child reports: the smallest number this harness can measure."""
    return round(run_once("floor", ["/bin/sh", "-c", "echo rows 0"], scratch)[1], 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--big", required=True)
    ap.add_argument("--small", required=True)
    ap.add_argument("--pipeline", help="path to the pipeline binary; omit to skip it")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json")
    args = ap.parse_args()

    py, peer = sys.executable, os.path.join(HERE, "peer.py")
    scratch = os.path.join(os.path.dirname(os.path.abspath(args.big)), ".harness")
    big_rows = count_rows(py, args.big, scratch)
    jobs = {}
    expected = {}
    if args.pipeline:
        jobs["pipeline"] = [args.pipeline, "dump", args.big, "--stats", "--format", "json"]
        expected["pipeline"] = big_rows
    for tool in PEERS:
        jobs[tool] = [py, peer, tool, args.big]
        expected[tool] = big_rows
    if args.pipeline:
        jobs["pipeline@small"] = [args.pipeline, "dump", args.small, "--stats", "--format", "json"]
        expected["pipeline@small"] = count_rows(py, args.small, scratch)

    data_rows = big_rows - 1
    print(f"{os.path.basename(args.big)}: {data_rows:,} data rows, "
          f"{os.path.getsize(args.big) / 1e6:.2f} MB; {args.runs} runs each, round-robin",
          file=sys.stderr)
    try:
        samples = bench(jobs, args.runs, expected, scratch)
        floor = rss_floor(scratch)
    except ToolFailed as e:
        print(f"\nbench: {e}", file=sys.stderr)
        return 1

    tools = {}
    for name, s in samples.items():
        med = median(s["seconds"])
        rows = expected[name] - 1
        tools[name] = {"command": jobs[name], "data_rows": rows, "median_s": round(med, 4),
                       "rows_per_s": round(rows / med), "median_rss_mb": median(s["rss_mb"]), **s}

    print(f"\n{'tool':<16}{'median s':>10}{'rows/s':>12}{'peak RSS MB':>13}")
    for name in ["pipeline"] + PEERS:
        if t := tools.get(name):
            print(f"{name:<16}{t['median_s']:>10.3f}{t['rows_per_s']:>12,}"
                  f"{t['median_rss_mb']:>13.1f}")
    print(f"(RSS floor: {floor} MB, the harness's own peak; no child can report less)")

    ratios, goals, growth = {}, [], None
    if "pipeline" in tools:
        ours = tools["pipeline"]
        print("\npipeline vs peer   speed (peer s / our s)   RSS (ours / peer)")
        for name in PEERS:
            ratios[name] = {
                "speed": round(tools[name]["median_s"] / ours["median_s"], 2),
                "rss": round(ours["median_rss_mb"] / tools[name]["median_rss_mb"], 2)}
            print(f"  {name:<16}{ratios[name]['speed']:>10.2f}×{ratios[name]['rss']:>20.2f}×")
        for name, k in GOALS:
            goals.append({"goal": f"speed ≥ {k:g}× {name}", "value": ratios[name]["speed"],
                          "met": ratios[name]["speed"] >= k})
        goals.append({"goal": f"peak RSS < {RSS_GOAL_MB} MB", "value": ours["median_rss_mb"],
                      "met": ours["median_rss_mb"] < RSS_GOAL_MB})
        small = tools["pipeline@small"]
        delta = ours["median_rss_mb"] - small["median_rss_mb"]
        growth = {"small_rows": small["data_rows"], "small_rss_mb": small["median_rss_mb"],
                  "big_rows": ours["data_rows"], "big_rss_mb": ours["median_rss_mb"],
                  "growth_mb": round(delta, 1)}
        # "Roughly flat": the shared strings are the same in both files, so allow only noise.
        goals.append({"goal": "peak RSS roughly flat in rows (growth < max(5 MB, 20%))",
                      "value": round(delta, 1),
                      "met": delta < max(5.0, 0.2 * small["median_rss_mb"])})
        print(f"\npipeline peak RSS: {small['median_rss_mb']:.1f} MB at {small['data_rows']:,} "
              f"rows, {ours['median_rss_mb']:.1f} MB at {ours['data_rows']:,} rows "
              f"({delta:+.1f} MB)")
        print("\ngoals:")
        for g in goals:
            verdict = "goal met" if g["met"] else "goal NOT met"
            print(f"  {g['goal']:<58}{g['value']:>8.2f}  {verdict}")
    else:
        print("\npipeline skipped: no ratios or goals")

    if args.json:
        import platform
        from importlib import metadata

        versions = {p: metadata.version(p) for p in
                    ["python-calamine", "fastexcel", "pyarrow", "openpyxl", "xlsxwriter"]}
        result = {"file": os.path.basename(args.big), "file_bytes": os.path.getsize(args.big),
                  "data_rows": data_rows, "runs": args.runs, "rss_floor_mb": floor,
                  "cpus": os.cpu_count(),
                  "machine": platform.machine(), "python": platform.python_version(),
                  "versions": versions, "tools": tools, "ratios": ratios,
                  "memory_growth": growth, "goals": goals}
        write_results(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
