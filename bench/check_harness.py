"""Time `pipeline check` (read + normalize + validate) against `pipeline dump --stats` (read only).

Usage: check_harness.py --file FILE --rows N --pipeline BIN [--runs N] [--json OUT]

Both commands run as whole processes on the same valid submission, alternating (the starting
command swaps each round) after one untimed warm-up round; medians of wall time and of peak RSS
(the child's own `ru_maxrss` from `os.wait4`, as bench/harness.py measures it). The difference
of the medians is what normalizing and validating add to reading; the goal is that it stays below
the read time itself. `dump` must exit 0; `check` must exit 0 or 1 (1 = rejected: the bench
file should be accepted, so issues are reported as a warning with their rules).
"""

import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # importing harness.py must not leave bench/__pycache__ behind
from harness import ToolFailed, median, run_child, write_results  # noqa: E402 (same directory; keeps the RSS floor low)

# json is imported late: it would raise the harness's own peak RSS, which no child can go below.


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", required=True)
    ap.add_argument("--pipeline", required=True)
    ap.add_argument("--rows", type=int, required=True, help="payment rows the file was made with")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json")
    args = ap.parse_args()

    scratch = os.path.join(os.path.dirname(os.path.abspath(args.file)), ".check-harness")
    jobs = {
        "dump": ([args.pipeline, "dump", args.file, "--stats", "--format", "json"], {0}),
        "check": ([args.pipeline, "check", args.file, "--format", "json"], {0, 1}),
    }
    samples = {n: {"seconds": [], "rss_mb": []} for n in jobs}
    outputs = {}
    try:
        floor = round(run_child("floor", ["/bin/true"], scratch, {0})[1], 1)
        names = list(jobs)
        for round_no in range(-1, args.runs):  # round -1 is the warm-up, not recorded
            order = names if max(round_no, 0) % 2 == 0 else names[::-1]
            for name in order:
                argv, ok = jobs[name]
                seconds, rss, stdout, code = run_child(name, argv, scratch, ok)
                if round_no < 0:
                    outputs[name] = (stdout, code)
                else:
                    samples[name]["seconds"].append(round(seconds, 4))
                    samples[name]["rss_mb"].append(round(rss, 1))
            label = "warm-up" if round_no < 0 else f"run {round_no + 1}/{args.runs}"
            print(f"  {label} done", file=sys.stderr, flush=True)
    except ToolFailed as e:
        print(f"\ncheck bench: {e}", file=sys.stderr)
        return 1

    import json

    stats = json.loads(outputs["dump"][0])
    sheet_rows = {s["name"]: s["rows"] for s in stats["sheets"]}
    total_rows = sum(sheet_rows.values())
    # 补助发放: a title row, the header row and a 合计 row around the payment rows.
    payment_rows = args.rows
    if sheet_rows.get("补助发放") != payment_rows + 3:
        print(f"check bench: 补助发放 has {sheet_rows.get('补助发放')} rows, expected {payment_rows} + 3",
              file=sys.stderr)
        return 1
    report = json.loads(outputs["check"][0])
    entry = report[0]
    by_rule = {}
    for issue in entry["issues"]:
        by_rule[issue["rule"]] = by_rule.get(issue["rule"], 0) + 1

    tools = {}
    for name, s in samples.items():
        med = median(s["seconds"])
        tools[name] = {"command": jobs[name][0], "median_s": round(med, 4),
                       "payment_rows_per_s": round(payment_rows / med),
                       "all_rows_per_s": round(total_rows / med),
                       "median_rss_mb": median(s["rss_mb"]), **s}
    tools["check"].update(status=entry["status"], issues=len(entry["issues"]), issues_by_rule=by_rule)
    read, full = tools["dump"]["median_s"], tools["check"]["median_s"]
    added = full - read
    pct = 100 * added / read

    print(f"\n{os.path.basename(args.file)}: {payment_rows:,} payment rows, {total_rows:,} rows in "
          f"{len(sheet_rows)} sheets, {os.path.getsize(args.file) / 1e6:.2f} MB; {args.runs} runs each, "
          f"alternating")
    print(f"\n{'command':<34}{'median s':>10}{'payment rows/s':>16}{'peak RSS MB':>13}")
    for name, label in (("dump", "pipeline dump --stats (read)"),
                        ("check", "pipeline check --format json")):
        t = tools[name]
        print(f"{label:<34}{t['median_s']:>10.3f}{t['payment_rows_per_s']:>16,}{t['median_rss_mb']:>13.1f}")
    print(f"(RSS floor: {floor} MB, the harness's own peak; no child can report less)")
    if entry["status"] != "accepted" or entry["issues"]:
        print(f"\nwarning: the bench file is {entry['status']} with {len(entry['issues'])} issues "
              f"({', '.join(f'{r} {n}' for r, n in sorted(by_rule.items()))}); it should be accepted "
              f"with none — the timing includes reporting them", file=sys.stderr)
    met = added < read
    print(f"\nvalidation adds {added:.3f} s ({pct:.0f}% of the read time); goal: less than the read "
          f"itself — {'goal met' if met else 'goal NOT met'}")
    print(f"check peak RSS {tools['check']['median_rss_mb']:.1f} MB vs dump "
          f"{tools['dump']['median_rss_mb']:.1f} MB "
          f"({tools['check']['median_rss_mb'] - tools['dump']['median_rss_mb']:+.1f} MB)")

    if args.json:
        import platform

        result = {"file": os.path.basename(args.file), "file_bytes": os.path.getsize(args.file),
                  "payment_rows": payment_rows, "total_rows": total_rows, "sheet_rows": sheet_rows,
                  "runs": args.runs, "rss_floor_mb": floor, "cpus": os.cpu_count(),
                  "machine": platform.machine(), "tools": tools,
                  "validation_added_s": round(added, 4), "validation_pct_of_read": round(pct, 1),
                  "goals": [{"goal": "validation adds less than the read itself",
                             "value": round(added, 4), "limit": read, "met": met}]}
        write_results(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
