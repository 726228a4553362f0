"""Everything the package's tests need from one GX installation, in one process (importing GX
takes seconds, so the tests start one worker per venv instead of one process per task).

Usage: python gx_test_worker.py TASKS.json OUT.json   (with the gx018 or gx1 venv's python)

TASKS.json: {"fixtures_dir": "<dir>", "suite_jobs": <jobs of gx_validate_suite.py>}. Runs the
fixture generator of this GX generation into fixtures_dir, validates the suite jobs, and writes
{"gx_version", "suite": <gx_validate_suite result>} to OUT.json.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gx_validate_suite  # noqa: E402  (sets the GX environment before importing GX)
import great_expectations as gx  # noqa: E402

if gx.__version__.startswith("0."):
    import gx018_fixtures as fixtures  # noqa: E402
else:
    import gx1_fixtures as fixtures  # noqa: E402


def main(tasks_path, out_path):
    with open(tasks_path, encoding="utf-8") as f:
        tasks = json.load(f)
    fixtures.main(tasks["fixtures_dir"])
    suite = gx_validate_suite.validate(tasks["suite_jobs"])
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"gx_version": gx.__version__, "suite": suite}, f)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gx_test_worker.py TASKS.json OUT.json")
    main(sys.argv[1], sys.argv[2])
