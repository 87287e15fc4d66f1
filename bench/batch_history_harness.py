"""Time `pipeline run` over a batch from an empty store and from a store with a history.

Usage:
  batch_history_harness.py build --dir DIR --pipeline BIN --history YEAR_DIR...
  batch_history_harness.py time --dir DIR --pipeline BIN --inbox INBOX [--runs N] [--cpus N] [--json OUT]

`build` makes DIR/store.sqlite, the history: `pipeline run` over each YEAR_DIR/inbox in the order
given (oldest first; each made by `fixtures/make_fixtures.py --batch N YEAR_DIR/inbox --year Y`,
with its EXPECTED.tsv), into one store. Every run must exit 0, store every submission its
EXPECTED.tsv accepts, and give exactly the verdicts of EXPECTED.tsv — for the years after the
first that includes the cross-year rules (Y-*) against the years before: the generated years are
consistent, so none may fire. It does nothing when DIR/store.stamp says the store was built from
these inboxes by this binary.

`time` runs INBOX (bench/batch.sh's, with its EXPECTED.tsv) as bench/batch_harness.py does — one
untimed warm-up, then N rounds, each a `fresh` run (out/ deleted and the store replaced first)
and a `rerun` — on two stores, interleaved in every round (which goes first alternates): `empty`
(no store: the plain batch figure) and `history` (a copy of DIR/store.sqlite, made before each
fresh run and outside its timing). Medians of wall time and of peak RSS (`ru_maxrss` from
`os.wait4`). Every run must exit 0, store what it should (every accepted submission on a fresh
run, none on a rerun) and give the same report.json as the other runs on its store; the empty
store's must match EXPECTED.tsv, the history's too once the cross-year issues (Y-*) are set
aside — which are counted by rule and severity, and must leave every status as EXPECTED.tsv has
it. Then the store's own cost, apart: `pipeline check` of one accepted file with and without
`--store` (a copy of the history), whose difference is mostly reading the store's reports into
the cross-year index. The goal: with the history, fresh runs within 10 % of the empty store's
submissions/s.
"""

import argparse
import os
import shutil
import sys

sys.dont_write_bytecode = True  # importing the harnesses must not leave bench/__pycache__ behind
from batch_harness import STORED_RE, expected  # noqa: E402 (same directory)
from harness import ToolFailed, median, run_child, write_results  # noqa: E402

# json and sqlite3 are imported late (or only by `build`, a process of its own): they would
# raise the harness's own peak RSS, which no child can go below.

MAX_SLOWDOWN = 0.10
CHECK_RUNS = 7


def pin(n):
    cpus = sorted(os.sched_getaffinity(0))[:max(1, n)]
    os.sched_setaffinity(0, cpus)
    return cpus


def remove_store(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def stamp_of(pipeline, history):
    st = os.stat(pipeline)
    parts = [f"binary {os.path.realpath(pipeline)} {st.st_size} {st.st_mtime_ns}"]
    for d in history:
        e = os.stat(os.path.join(d, "inbox", "EXPECTED.tsv"))
        parts.append(f"{os.path.realpath(d)} {e.st_mtime_ns}")
    return "\n".join(parts) + "\n"


def verdicts(report_json):
    import json

    return {e["file"]: (e["status"], sorted(i["rule"] for i in e["issues"]),
                        [(i["rule"], i["severity"]) for i in e["issues"]])
            for e in json.loads(report_json)}


def build(args):
    base = os.path.abspath(args.dir)
    store = os.path.join(base, "store.sqlite")
    stamp_path = os.path.join(base, "store.stamp")
    stamp = stamp_of(args.pipeline, args.history)
    if os.path.exists(store) and os.path.exists(stamp_path):
        with open(stamp_path) as f:
            if f.read() == stamp:
                print(f"{store}: up to date ({len(args.history)} years)", file=sys.stderr)
                return 0
    cpus = pin(args.cpus)
    building = store + ".tmp"
    remove_store(building)
    if os.path.exists(stamp_path):
        os.remove(stamp_path)
    print(f"building {store}: {len(args.history)} years, pinned to CPUs {cpus}", file=sys.stderr)
    for d in args.history:
        d = os.path.abspath(d)
        inbox, out = os.path.join(d, "inbox"), os.path.join(d, "out")
        config = os.path.join(d, "pipeline.json")
        with open(config, "w") as f:
            f.write('{"run": {"inbox": "inbox", "out": "out", "store": "%s"}}\n' % building)
        want = expected(os.path.join(inbox, "EXPECTED.tsv"))
        accepted = sum(s == "accepted" for s, _ in want.values())
        shutil.rmtree(out, ignore_errors=True)
        scratch = os.path.join(d, ".history-harness")
        try:
            seconds, rss, _, _ = run_child(f"pipeline run ({os.path.basename(d)})",
                                           [args.pipeline, "run", "--config", config], scratch)
        except ToolFailed as e:
            print(f"\nbatch history bench: {e}", file=sys.stderr)
            return 1
        with open(scratch + ".err", encoding="utf-8", errors="replace") as f:
            err = f.read()
        m = STORED_RE.search(err)
        problems = [] if m and int(m.group(1)) == accepted else [
            f"stored {m.group(1) if m else None} submissions, expected {accepted}"]
        with open(os.path.join(out, "report.json"), "rb") as f:
            got = verdicts(f.read())
        cross = {}
        for name, (status, rules, issues) in got.items():
            for rule, severity in issues:
                if rule.startswith("Y-"):
                    cross[(rule, severity)] = cross.get((rule, severity), 0) + 1
            if (status, rules) != want.get(name):
                problems.append(f"{name}: {(status, rules)}, expected {want.get(name)}")
        if sorted(got) != sorted(want):
            problems.append(f"report.json lists {len(got)} files, EXPECTED.tsv {len(want)}")
        print(f"  {os.path.basename(d)}: {len(want)} submissions, {accepted} stored, "
              f"{seconds:.2f} s, peak RSS {rss:.1f} MB; cross-year issues: "
              + (", ".join(f"{r} ({s}) ×{n}" for (r, s), n in sorted(cross.items())) or "none"),
              file=sys.stderr)
        if problems:
            print(f"\nbatch history bench: {os.path.basename(d)}'s run is wrong:\n  "
                  + "\n  ".join(problems[:20]), file=sys.stderr)
            return 1
    import sqlite3

    db = sqlite3.connect(building)  # the last connection to close checkpoints and removes the WAL
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(building + suffix) and os.path.getsize(building + suffix) == 0:
            os.remove(building + suffix)
    if any(os.path.exists(building + s) for s in ("-wal", "-shm", "-journal")):
        print(f"batch history bench: {building} left a journal behind", file=sys.stderr)
        return 1
    remove_store(store)
    os.rename(building, store)
    with open(stamp_path, "w") as f:
        f.write(stamp)
    return 0


def time_runs(args):
    base = os.path.abspath(args.dir)
    history_store = os.path.join(base, "store.sqlite")
    inbox = os.path.abspath(args.inbox)
    want = expected(os.path.join(inbox, "EXPECTED.tsv"))
    files = len(want)
    on_disk = [n for n in os.listdir(inbox) if n.endswith(".xlsx")]
    if sorted(on_disk) != sorted(want):
        print(f"batch history bench: {inbox} does not match its EXPECTED.tsv", file=sys.stderr)
        return 1
    counts = {}
    for status, _ in want.values():
        counts[status] = counts.get(status, 0) + 1
    accepted = counts.get("accepted", 0)

    cpus = pin(args.cpus)
    stores = {}
    for kind in ("empty", "history"):
        d = os.path.join(base, kind)
        os.makedirs(d, exist_ok=True)
        config = os.path.join(d, "pipeline.json")
        with open(config, "w") as f:
            f.write('{"run": {"inbox": "%s", "out": "out", "store": "store.sqlite"}}\n' % inbox)
        stores[kind] = {"dir": d, "config": config, "out": os.path.join(d, "out"),
                        "store": os.path.join(d, "store.sqlite"),
                        "scratch": os.path.join(d, ".history-harness")}
    samples = {(k, r): {"seconds": [], "rss_mb": []} for k in stores for r in ("fresh", "rerun")}
    reports = {}

    def fresh_start(kind):
        s = stores[kind]
        shutil.rmtree(s["out"], ignore_errors=True)
        remove_store(s["store"])
        if kind == "history":
            shutil.copyfile(history_store, s["store"])

    def run(kind, which, record):
        s = stores[kind]
        argv = [args.pipeline, "run", "--config", s["config"]]
        seconds, rss, _, _ = run_child(f"pipeline run ({kind} store, {which})", argv, s["scratch"])
        with open(s["scratch"] + ".err", encoding="utf-8", errors="replace") as f:
            err = f.read()
        m = STORED_RE.search(err)
        stored = int(m.group(1)) if m else None
        should = accepted if which == "fresh" else 0
        if stored != should:
            raise ToolFailed(f"the {kind} store's {which} run stored {stored} submissions, "
                             f"expected {should}:\n{err[-1500:]}")
        with open(os.path.join(s["out"], "report.json"), "rb") as f:
            text = f.read()
        if reports.setdefault(kind, text) != text:
            raise ToolFailed(f"the {kind} store's {which} run's report.json differs from its first run's")
        if record:
            samples[(kind, which)]["seconds"].append(round(seconds, 4))
            samples[(kind, which)]["rss_mb"].append(round(rss, 1))

    print(f"{os.path.basename(os.path.dirname(inbox))}: {files} submissions ("
          + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
          + f"); stores: empty, and a copy of {history_store} "
          f"({os.path.getsize(history_store) / 1e6:.1f} MB); pinned to CPUs {cpus}; {args.runs} rounds "
          "of a fresh run and a rerun on each", file=sys.stderr)
    try:
        floor = round(run_child("floor", ["/bin/true"], stores["empty"]["scratch"])[1], 1)
        for round_no in range(-1, args.runs):  # round -1 is the warm-up, not recorded
            order = ("empty", "history") if round_no % 2 == 0 else ("history", "empty")
            for kind in order:
                fresh_start(kind)
                run(kind, "fresh", round_no >= 0)
                if round_no >= 0:
                    run(kind, "rerun", True)
            label = "warm-up" if round_no < 0 else f"round {round_no + 1}/{args.runs}"
            print(f"  {label} done", file=sys.stderr, flush=True)

        # The store's own cost: one accepted file checked with and without the four-year store.
        probe = os.path.join(inbox, sorted(n for n, (s, _) in want.items() if s == "accepted")[0])
        check_store = os.path.join(base, "check-store.sqlite")
        remove_store(check_store)
        shutil.copyfile(history_store, check_store)
        check = {"without": [args.pipeline, "check", "--format", "json", probe],
                 "with": [args.pipeline, "check", "--format", "json", "--store", check_store, probe]}
        check_samples = {k: {"seconds": [], "rss_mb": []} for k in check}
        scratch = stores["history"]["scratch"] + "-check"
        for i in range(CHECK_RUNS + 1):  # the first is a warm-up
            for k in (("without", "with") if i % 2 == 0 else ("with", "without")):
                seconds, rss, _, _ = run_child(f"pipeline check ({k} --store)", check[k], scratch)
                if i:
                    check_samples[k]["seconds"].append(round(seconds, 4))
                    check_samples[k]["rss_mb"].append(round(rss, 1))
    except ToolFailed as e:
        print(f"\nbatch history bench: {e}", file=sys.stderr)
        return 1

    import sqlite3

    problems, cross, changed = [], {}, []
    empty, history = verdicts(reports["empty"]), verdicts(reports["history"])
    for name, (status, rules, _) in empty.items():
        if (status, rules) != want.get(name):
            problems.append(f"empty store: {name}: {(status, rules)}, expected {want.get(name)}")
    for name, (status, rules, issues) in history.items():
        for rule, severity in issues:
            if rule.startswith("Y-"):
                cross[(rule, severity)] = cross.get((rule, severity), 0) + 1
        plain = [r for r in rules if not r.startswith("Y-")]
        if plain != (want.get(name) or (None, None))[1]:
            problems.append(f"history: {name}: {rules}, expected {want.get(name)} and any Y-*")
        if status != (want.get(name) or (None,))[0]:
            changed.append(f"{name}: {status}, {want.get(name)[0] if name in want else None} without "
                           f"the history ({', '.join(r for r in rules if r.startswith('Y-'))})")
    for label, got in (("empty store", empty), ("history", history)):
        if sorted(got) != sorted(want):
            problems.append(f"{label}: report.json lists {len(got)} files, EXPECTED.tsv {len(want)}")
    annotated = sum(n.endswith(".annotated.xlsx")
                    for _, _, names in os.walk(stores["history"]["out"]) for n in names)
    db = sqlite3.connect(check_store)  # the copy: the history itself is never opened here
    held = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("submissions", "students", "outcomes", "payments")}
    held["stations"] = db.execute("SELECT count(DISTINCT station_id) FROM submissions").fetchone()[0]
    years = [r[0] for r in db.execute("SELECT DISTINCT start_year FROM submissions ORDER BY 1")]
    db.close()
    db = sqlite3.connect(stores["history"]["store"])
    after = db.execute("SELECT count(*) FROM submissions").fetchone()[0]
    db.close()
    if after != held["submissions"] + accepted:
        problems.append(f"the history store holds {after} submissions after the runs, expected "
                        f"{held['submissions']} + {accepted}")
    if changed:
        problems.append("statuses changed by the cross-year rules:\n    " + "\n    ".join(changed[:20]))
    cross_text = ", ".join(f"{r} ({s}) ×{n}" for (r, s), n in sorted(cross.items())) or "none"
    if problems:
        print(f"\ncross-year issues with the history: {cross_text}", file=sys.stderr)
        print("\nbatch history bench: the outputs are wrong:\n  " + "\n  ".join(problems[:20]),
              file=sys.stderr)
        return 1

    tools = {}
    for (kind, which), s in samples.items():
        med = median(s["seconds"])
        tools[f"{kind}-{which}"] = {
            "store": kind, "run": which, "command": [args.pipeline, "run", "--config", stores[kind]["config"]],
            "median_s": round(med, 4), "submissions_per_s": round(files / med, 1),
            "median_rss_mb": median(s["rss_mb"]), "max_rss_mb": max(s["rss_mb"]), **s}
    checks = {k: {"command": check[k], "median_s": round(median(s["seconds"]), 4),
                  "median_rss_mb": median(s["rss_mb"]), **s} for k, s in check_samples.items()}
    ratio = {w: round(tools[f"history-{w}"]["submissions_per_s"] / tools[f"empty-{w}"]["submissions_per_s"], 3)
             for w in ("fresh", "rerun")}
    met = ratio["fresh"] >= 1 - MAX_SLOWDOWN
    first, last = (f"{y}-{y + 1}" for y in (years[0], years[-1])) if years else ("?", "?")

    print(f"\n{files} submissions of 2023-2024, {len(cpus)} CPUs, {args.runs} runs each; the history: "
          f"{held['submissions']} accepted reports of {held['stations']} stations, {first} … {last} "
          f"({held['students']:,} student rows, {held['outcomes']:,} outcomes, {held['payments']:,} payments)")
    print(f"\n{'pipeline run':<44}{'median s':>10}{'submissions/s':>15}{'peak RSS MB':>13}")
    for key, label in (("empty-fresh", "empty store: fresh (no out/, no store)"),
                       ("empty-rerun", "empty store: rerun (all stored)"),
                       ("history-fresh", f"{len(years)}-year store: fresh (no out/, the copy)"),
                       ("history-rerun", f"{len(years)}-year store: rerun (all stored)")):
        t = tools[key]
        print(f"{label:<44}{t['median_s']:>10.3f}{t['submissions_per_s']:>15.1f}{t['median_rss_mb']:>13.1f}")
    print(f"(RSS floor: {floor} MB, the harness's own peak; no child can report less)")
    print(f"with the history / without: fresh {ratio['fresh']:.3f}, rerun {ratio['rerun']:.3f} "
          "(submissions/s)")
    w, s = checks["without"], checks["with"]
    print(f"`pipeline check` of one file ({os.path.basename(probe)}), {CHECK_RUNS} runs: "
          f"{w['median_s']:.3f} s, {w['median_rss_mb']:.1f} MB without --store; {s['median_s']:.3f} s, "
          f"{s['median_rss_mb']:.1f} MB with the {len(years)}-year store "
          f"(+{s['median_s'] - w['median_s']:.3f} s, +{s['median_rss_mb'] - w['median_rss_mb']:.1f} MB: "
          "reading the store into the cross-year index)")
    same = "byte-identical to" if reports["history"] == reports["empty"] else "differs from"
    print(f"cross-year issues with the history: {cross_text}; every status as without it; its "
          f"report.json {same} the empty store's")
    print(f"outputs checked: report.json = EXPECTED.tsv for all {files} on the empty store, and on the "
          f"history but for Y-*; {annotated} annotated copies; {after} submissions in the history store after")
    print(f"\ngoal: with the history, fresh runs within {MAX_SLOWDOWN:.0%} of the empty store's "
          f"submissions/s: {ratio['fresh']:.3f} — {'goal met' if met else 'goal NOT met'}")

    if args.json:
        import platform

        result = {"inbox": inbox, "submissions": files, "statuses": counts, "history_store": history_store,
                  "history": {**held, "years": years}, "runs": args.runs, "cpus": cpus,
                  "machine_cpus": os.cpu_count(), "machine": platform.machine(), "rss_floor_mb": floor,
                  "tools": tools, "check": checks, "ratio": ratio,
                  "cross_year_issues": {f"{r} {s}": n for (r, s), n in sorted(cross.items())},
                  "report_identical_to_empty_store": reports["history"] == reports["empty"],
                  "goals": [{"goal": f"with the history, fresh runs ≥ {1 - MAX_SLOWDOWN:.0%} of the "
                                     "empty store's submissions/s", "value": ratio["fresh"], "met": met}]}
        write_results(args.json, result)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("build", "time"))
    ap.add_argument("--dir", required=True)
    ap.add_argument("--pipeline", required=True)
    ap.add_argument("--history", nargs="+", default=[])
    ap.add_argument("--inbox")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.mode == "build":
        if not args.history:
            ap.error("build needs --history")
        return build(args)
    if not args.inbox:
        ap.error("time needs --inbox")
    return time_runs(args)


if __name__ == "__main__":
    sys.exit(main())
