"""Runs the peer scanners (picklescan, ModelScan, fickling) for @mlwarden/artifacts' comparison and
benchmark. Never loads a model: every tool here only reads files.

  peers.py corpus FILE...   one JSON object per tool: {path: {"flagged": bool, "error": str|None}}
  peers.py bench PATH...    seconds (wall clock and CPU) each tool takes to scan each path
"""

import contextlib
import io
import json
import logging
import os
import sys
import time

logging.disable(logging.CRITICAL)


def picklescan_scan(path):
    from picklescan.scanner import scan_directory_path, scan_file_path

    r = scan_directory_path(path) if os.path.isdir(path) else scan_file_path(path)
    flagged = r.infected_files > 0 or r.issues_count > 0
    return flagged, ("scan error" if r.scan_err else None)


def modelscan_scan(path):
    from modelscan.modelscan import ModelScan

    report = ModelScan().scan(path)
    flagged = report.get("summary", {}).get("total_issues", 0) > 0
    errors = report.get("errors") or []
    return flagged, (errors[0].get("description", "error") if errors and not flagged else None)


def fickling_scan(path):
    import fickling

    if os.path.isdir(path):
        flagged = False
        for base, _, names in os.walk(path):
            for n in names:
                flagged = (not fickling.is_likely_safe(os.path.join(base, n))) or flagged
        return flagged, None
    return (not fickling.is_likely_safe(path)), None


TOOLS = {"picklescan": picklescan_scan, "modelscan": modelscan_scan, "fickling": fickling_scan}


def quietly(fn, path):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return fn(path)


def corpus(paths):
    out = {}
    for tool, fn in TOOLS.items():
        results = {}
        for p in paths:
            try:
                flagged, error = quietly(fn, p)
            except Exception as e:  # a crash is an error, never a detection
                flagged, error = False, f"{type(e).__name__}: {e}"[:200]
            results[p] = {"flagged": bool(flagged), "error": error}
        out[tool] = results
    json.dump(out, sys.stdout)


def bench(paths, tools):
    out = {}
    for tool in tools:
        fn = TOOLS[tool]
        out[tool] = {}
        for p in paths:
            started = time.perf_counter()
            cpu = time.process_time()
            try:
                quietly(fn, p)
                error = None
            except Exception as e:
                error = f"{type(e).__name__}: {e}"[:200]
            out[tool][p] = {
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "error": error,
            }
    json.dump(out, sys.stdout)


def versions():
    from importlib.metadata import version

    return {t: version(t) for t in TOOLS}


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    if mode == "corpus":
        corpus(rest)
    elif mode == "bench":
        tools = os.environ.get("PEERS", "picklescan,modelscan").split(",")
        bench(rest, tools)
    elif mode == "versions":
        json.dump(versions(), sys.stdout)
    else:
        sys.exit(f"unknown mode {mode}")
