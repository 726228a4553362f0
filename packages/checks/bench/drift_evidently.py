"""Evidently baseline for the drift benchmark: DataDriftPreset with its default tests on the same
Arrow IPC files, including reading them into pandas.

    python drift_evidently.py reference.arrow current.arrow   -> JSON on stdout
"""
import json
import sys
import time

import pyarrow as pa
from evidently import Report
from evidently.presets import DataDriftPreset


def main():
    started = time.perf_counter()
    cpu = time.process_time()
    reference = pa.ipc.open_file(sys.argv[1]).read_all().to_pandas()
    current = pa.ipc.open_file(sys.argv[2]).read_all().to_pandas()
    result = Report([DataDriftPreset()]).run(current, reference)
    summary = result.dict()
    print(json.dumps({"seconds": time.perf_counter() - started, "cpuSeconds": time.process_time() - cpu, "metrics": len(summary.get("metrics", []))}))


if __name__ == "__main__":
    main()
