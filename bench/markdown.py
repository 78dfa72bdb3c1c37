"""``python -m bench markdown bench/results/region-<date>.json``: a run's figures as the Markdown
tables of docs/performance.md."""

from __future__ import annotations

import json
from pathlib import Path

from . import targets


def render(report: dict) -> str:
    v = report.get("verdicts", {})
    m = report["machine"]
    s = report["subjects"]
    lines = [
        f"Size **{report['size']}** ({s['jobseekers_total']:,} job seekers; the caseworker's "
        f"municipality {s['municipality_name']} with {s['jobseekers_in_municipality']:,}), "
        f"{report['date']}, {m['cpus']} cores, {m['memory_gb']} GB, Python {m['python']}; load "
        f"average at the start {m['load_average']}.",
        "",
        "| page | who | p50 ms | p95 ms | server p50 | queries | ours/admin | ours/raw SQL | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key, p in report["pages"].items():
        lines.append(
            f"| {p['label']} | {p['who']} | {p['p50_ms']} | {p['p95_ms']} | "
            f"{p['server_p50_ms']} | {p['queries']}{' (varied)' if p['queries_varied'] else ''} | "
            f"{p.get('admin_ratio') or ''} | {p.get('raw_ratio')} ({p['raw_sql_ms']} ms) | "
            f"{targets.page_verdict(v, key)} |"
        )
    lines.append("")
    lines.extend(f"- {line}" for line in summary(report))
    missed = [name for name, ok in v.items() if not ok]
    lines += ["", f"Targets missed: {len(missed)} of {len(v)}."]
    lines += [f"- {name}" for name in missed]
    return "\n".join(lines)


def main(path: Path) -> str:
    return render(json.loads(path.read_text()))


def summary(report: dict) -> list[str]:
    """The run-wide figures, one line each, with their verdicts (table and Markdown alike)."""
    v = report.get("verdicts", {})
    lines = []
    if "load" in report:
        load = report["load"]
        lines.append(
            f"Load ({load['trivial']['users']} users, {load['trivial']['seconds']} s each): "
            f"job-seeker list {load['jobseeker_list']['rps']} requests/s, trivial page "
            f"{load['trivial']['rps']} requests/s: ratio {load['ratio']} (target >= "
            f"{targets.LOAD_RATIO_MIN}: {targets.verdict(v.get(targets.LOAD_TARGET))})."
        )
        if load.get("trivial_signed_in"):
            lines.append(
                f"The trivial page signed in (session and user read, as on every page): "
                f"{load['trivial_signed_in']['rps']} requests/s; the list serves "
                f"{load['ratio_signed_in']} of it."
            )
    if "matching" in report:
        x = report["matching"]
        lines.append(
            f"Matching one opening against {x['jobseekers']:,} job seekers: "
            f"{x['candidates_after_sql']:,} left after SQL, p50 {x['p50_ms']} ms, "
            f"{x['queries']} queries."
        )
    if "rollup" in report:
        r = report["rollup"]
        lines.append(
            f"Roll-up in the worker: full rebuild {r['full_s']} s, {r['full_rows']:,} rows "
            f"({targets.verdict(v.get(targets.FULL_TARGET))}); nothing changed {r['quiet_s']} s; "
            f"one day (300 people changed) {r['day_s']} s, {r['day_days']} days recomputed "
            f"({targets.verdict(v.get(targets.DAY_TARGET))})."
        )
    if "followups" in report:
        f = report["followups"]
        lines.append(
            f"Follow-up sending, one worker: {f['delivered']:,} of {f['rows']:,} delivered "
            f"in {f['seconds']} s ({f['per_second']}/s)."
        )
    imported = report.get("import") or {}
    if imported.get("phases"):
        lines.append(
            f"Import of {imported['rows']:,} rows: "
            + "; ".join(
                f"{n} {p['seconds']} s ({p['rows_per_second']:,} rows/s, max RSS {p['max_rss_mb']} MB)"
                for n, p in imported["phases"].items()
            )
            + "."
        )
    elif imported:
        lines.append(f"Import failed: {imported.get('error', '')[-300:]}")
    elif "import" in report:
        lines.append("Import: bench/import_bench.py is not there (skipped).")
    if "memory" in report:
        mem = report["memory"]
        lines.append(
            f"Peak memory: web worker {mem.get('web_worker_peak_rss_mb')} MB; Celery worker "
            f"during roll-up and sending {mem.get('worker_peak_rss_mb')} MB."
        )
    return lines
