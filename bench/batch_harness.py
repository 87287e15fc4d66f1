"""Time `pipeline run` end to end over an inbox of realistic submissions, as a whole process.

Usage: batch_harness.py --dir DIR --pipeline BIN [--runs N] [--cpus N] [--json OUT]

DIR holds inbox/ (made by `fixtures/make_fixtures.py --batch N DIR/inbox`, with its
EXPECTED.tsv); the harness writes DIR/pipeline.json pointing run.inbox, run.out and run.store at
DIR/inbox, DIR/out and DIR/store.sqlite. The harness pins itself (and so its children) to the
first --cpus CPUs it may use (default 2; the machine's own count when it has fewer). One untimed
warm-up run, then N rounds of two timed runs each: `fresh` (out/ and the store deleted first: every
submission checked, every output written, every accepted one stored) and `rerun` (right after,
everything already stored: the same report.json, nothing new stored). Medians of wall time and of
peak RSS (the child's own `ru_maxrss` from `os.wait4`, as bench/harness.py measures it). Every run
must exit 0, give a byte-identical report.json and store what it should (the `新入库 N 份` of its
totals line: every accepted submission on a fresh run, none on a rerun); at the end the report
must match EXPECTED.tsv file by file (status and the rule of every issue: no batch rule fires), and
out/ must hold one annotated copy per rejected or unreadable submission. The goal: fresh runs
check at least 50 submissions/s.
"""

import argparse
import os
import re
import shutil
import sys

sys.dont_write_bytecode = True  # importing harness.py must not leave bench/__pycache__ behind
from harness import ToolFailed, median, run_child, write_results  # noqa: E402 (same directory; keeps the RSS floor low)

# json and sqlite3 are imported late: they would raise the harness's own peak RSS, which no child
# can go below.

GOAL_PER_S = 50
STORED_RE = re.compile(r"新入库 (\d+) 份")


def expected(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            name, status, rules = line.rstrip("\n").split("\t")
            rows[name] = (status, sorted(rules.split(",")) if rules else [])
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--pipeline", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args()

    base = os.path.abspath(args.dir)
    inbox, out, store = (os.path.join(base, n) for n in ("inbox", "out", "store.sqlite"))
    config = os.path.join(base, "pipeline.json")
    with open(config, "w") as f:
        f.write('{"run": {"inbox": "inbox", "out": "out", "store": "store.sqlite"}}\n')
    want = expected(os.path.join(inbox, "EXPECTED.tsv"))
    files = len(want)
    on_disk = [n for n in os.listdir(inbox) if n.endswith(".xlsx")]
    if sorted(on_disk) != sorted(want):
        print(f"batch bench: {inbox} does not match its EXPECTED.tsv", file=sys.stderr)
        return 1
    inbox_bytes = sum(os.path.getsize(os.path.join(inbox, n)) for n in on_disk)
    counts = {}
    for status, _ in want.values():
        counts[status] = counts.get(status, 0) + 1

    allowed = sorted(os.sched_getaffinity(0))
    cpus = allowed[:max(1, args.cpus)]
    os.sched_setaffinity(0, cpus)
    scratch = os.path.join(base, ".batch-harness")
    argv = [args.pipeline, "run", "--config", config]
    samples = {n: {"seconds": [], "rss_mb": []} for n in ("fresh", "rerun")}
    report = None

    def clean():
        shutil.rmtree(out, ignore_errors=True)
        for name in os.listdir(base):
            if name == "store.sqlite" or name.startswith("store.sqlite-"):
                os.remove(os.path.join(base, name))

    def run(kind, record):
        nonlocal report
        seconds, rss, _, _ = run_child(f"pipeline run ({kind})", argv, scratch)
        with open(scratch + ".err", encoding="utf-8", errors="replace") as f:
            err = f.read()
        m = STORED_RE.search(err)
        stored = int(m.group(1)) if m else None
        should = counts.get("accepted", 0) if kind == "fresh" else 0
        if stored != should:
            raise ToolFailed(f"the {kind} run stored {stored} submissions, expected {should}:\n{err[-1500:]}")
        with open(os.path.join(out, "report.json"), "rb") as f:
            text = f.read()
        if report is None:
            report = text
        elif text != report:
            raise ToolFailed(f"the {kind} run's report.json differs from the first run's")
        if record:
            samples[kind]["seconds"].append(round(seconds, 4))
            samples[kind]["rss_mb"].append(round(rss, 1))

    print(f"{os.path.basename(base)}: {files} submissions ("
          + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
          + f"), {inbox_bytes / 1e6:.1f} MB; pinned to CPUs {cpus}; {args.runs} rounds of a fresh run "
          f"and a rerun", file=sys.stderr)
    try:
        floor = round(run_child("floor", ["/bin/true"], scratch)[1], 1)
        for round_no in range(-1, args.runs):  # round -1 is the warm-up, not recorded
            clean()
            run("fresh", round_no >= 0)
            if round_no >= 0:
                run("rerun", True)
            label = "warm-up" if round_no < 0 else f"run {round_no + 1}/{args.runs}"
            print(f"  {label} done", file=sys.stderr, flush=True)
    except ToolFailed as e:
        print(f"\nbatch bench: {e}", file=sys.stderr)
        return 1

    import json
    import sqlite3

    problems = []
    for entry in json.loads(report):
        got = (entry["status"], sorted(i["rule"] for i in entry["issues"]))
        if got != want.get(entry["file"]):
            problems.append(f"{entry['file']}: {got}, expected {want.get(entry['file'])}")
    annotated = sum(n.endswith(".annotated.xlsx") for _, _, names in os.walk(out) for n in names)
    if annotated != files - counts.get("accepted", 0):
        problems.append(f"{annotated} annotated copies, expected {files - counts.get('accepted', 0)}")
    with sqlite3.connect(store) as db:
        in_store = db.execute("SELECT count(*) FROM submissions").fetchone()[0]
    if in_store != counts.get("accepted", 0):
        problems.append(f"{in_store} submissions in the store, expected {counts.get('accepted', 0)}")
    if problems:
        print("\nbatch bench: the outputs are wrong:\n  " + "\n  ".join(problems[:20]), file=sys.stderr)
        return 1

    tools = {}
    for name, s in samples.items():
        med = median(s["seconds"])
        tools[name] = {"command": argv, "median_s": round(med, 4),
                       "submissions_per_s": round(files / med, 1),
                       "median_rss_mb": median(s["rss_mb"]), "max_rss_mb": max(s["rss_mb"]), **s}
    fresh = tools["fresh"]
    met = fresh["submissions_per_s"] >= GOAL_PER_S

    print(f"\n{files} submissions, {len(cpus)} CPUs, {args.runs} runs each")
    print(f"\n{'pipeline run':<40}{'median s':>10}{'submissions/s':>15}{'peak RSS MB':>13}")
    for name, label in (("fresh", "fresh (out/ and store deleted first)"),
                        ("rerun", "rerun (everything already stored)")):
        t = tools[name]
        print(f"{label:<40}{t['median_s']:>10.3f}{t['submissions_per_s']:>15.1f}{t['median_rss_mb']:>13.1f}")
    print(f"(RSS floor: {floor} MB, the harness's own peak; no child can report less)")
    print(f"outputs checked: report.json = EXPECTED.tsv for all {files}, {annotated} annotated copies, "
          f"{in_store} submissions stored")
    print(f"\ngoal: fresh run ≥ {GOAL_PER_S} submissions/s on {len(cpus)} cores: "
          f"{fresh['submissions_per_s']:.1f} — {'goal met' if met else 'goal NOT met'}")

    if args.json:
        import platform

        result = {"inbox": inbox, "submissions": files, "statuses": counts, "inbox_bytes": inbox_bytes,
                  "runs": args.runs, "cpus": cpus, "machine_cpus": os.cpu_count(),
                  "machine": platform.machine(), "rss_floor_mb": floor, "tools": tools,
                  "annotated_copies": annotated, "stored": in_store,
                  "goals": [{"goal": f"fresh run ≥ {GOAL_PER_S} submissions/s on {len(cpus)} cores",
                             "value": fresh["submissions_per_s"], "met": met}]}
        write_results(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
