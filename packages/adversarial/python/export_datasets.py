"""Exports scikit-learn's digits and breast-cancer datasets as Arrow IPC files for the tests.

Run through scripts/adversarial-fixtures. The files are committed; rerunning gives the same bytes.
Digits pixels (0..16) are stored as uint8, breast-cancer measurements as float32, the class as
int32 in a column named "target".
"""

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
from sklearn.datasets import load_breast_cancer, load_digits


def write(path: Path, names, data: np.ndarray, target: np.ndarray, dtype) -> None:
    columns = [pa.array(data[:, j].astype(dtype)) for j in range(data.shape[1])]
    columns.append(pa.array(target.astype(np.int32)))
    table = pa.Table.from_arrays(columns, names=[*names, "target"])
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    print(f"{path}: {table.num_rows} rows x {table.num_columns} columns")


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    digits = load_digits()
    write(out / "digits.arrow", digits.feature_names, digits.data, digits.target, np.uint8)
    cancer = load_breast_cancer()
    names = [n.replace(" ", "_") for n in cancer.feature_names]
    write(out / "breast-cancer.arrow", names, cancer.data, cancer.target, np.float32)


if __name__ == "__main__":
    main()
