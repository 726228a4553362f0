/** Index of the largest of the `k` scores of row `row` in `scores` (row-major); ties: the first. */
export function argmaxRow(scores: ArrayLike<number>, row: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) {
    if ((scores[row * k + c] as number) > (scores[row * k + best] as number)) best = c;
  }
  return best;
}
