"""Merges mlwarden's and the peers' corpus results into the markdown table of docs/artifacts.md.

  compare-table.py MANIFEST MLWARDEN_JSON PEERS_JSON VERSIONS_JSON DOC
Replaces the text between <!-- compare:start --> and <!-- compare:end --> in DOC.
"""

import json
import os
import sys

manifest_path, ours_path, peers_path, versions_path, doc = sys.argv[1:]
manifest = json.load(open(manifest_path))
files_dir = os.path.join(os.path.dirname(manifest_path), "files")
ours = json.load(open(ours_path))
peers = json.load(open(peers_path))
versions = json.load(open(versions_path))
TOOLS = ["mlwarden", "picklescan", "modelscan", "fickling"]
NAMES = {"mlwarden": "mlwarden", "picklescan": f"picklescan {versions['picklescan']}", "modelscan": f"ModelScan {versions['modelscan']}", "fickling": f"fickling {versions['fickling']}"}


def flagged(tool, path, count_errors):
    full = os.path.join(files_dir, path)
    if tool == "mlwarden":
        return ours[full]["verdict"] != "clean"
    r = peers[tool][full]
    return r["flagged"] or (count_errors and r["error"] is not None)


def group(path):
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else "pickle, joblib, PyTorch, NumPy, zip, tar"


rows = {}
for e in manifest["files"]:
    kind = e["kind"]
    if kind == "benign" and e["expect"]["verdict"] != "clean":
        kind = "code-by-design"
    rows.setdefault((kind, group(e["path"])), []).append(e["path"])

ORDER = {"malicious": 0, "code-by-design": 1, "benign": 2, "malformed": 3}
LABEL = {
    "malicious": "malicious: detected",
    "code-by-design": "benign with expected findings (code by design: pyfunc, cloudpickle, TorchScript; a self-extracting 7z): flagged",
    "benign": "benign: false positives",
    "malformed": "malformed: flagged or errored",
}
lines = [
    "| corpus files | n | " + " | ".join(NAMES[t] for t in TOOLS) + " |",
    "| --- | ---: | " + " | ".join("---:" for _ in TOOLS) + " |",
]
totals = {}
for (kind, grp), paths in sorted(rows.items(), key=lambda kv: (ORDER[kv[0][0]], kv[0][1])):
    counts = []
    for t in TOOLS:
        n = sum(flagged(t, p, kind == "malformed") for p in paths)
        totals[(kind, t)] = totals.get((kind, t), 0) + n
        counts.append(str(n))
    lines.append(f"| {LABEL[kind]} — {grp} | {len(paths)} | " + " | ".join(counts) + " |")
for kind in ORDER:
    n = sum(len(p) for (k, _), p in rows.items() if k == kind)
    lines.append(f"| **{LABEL[kind]} — total** | **{n}** | " + " | ".join(f"**{totals.get((kind, t), 0)}**" for t in TOOLS) + " |")
missed = {t: [p for (k, _), ps in rows.items() if k == "malicious" for p in ps if not flagged(t, p, False)] for t in TOOLS}
text = "\n".join(lines) + "\n\nMalicious files missed by mlwarden: " + (", ".join(missed["mlwarden"]) or "none") + ".\n"
start, end = "<!-- compare:start -->", "<!-- compare:end -->"
body = open(doc).read()
a, b = body.index(start) + len(start), body.index(end)
open(doc, "w").write(body[:a] + "\n" + text + body[b:])
print(text)
