/**
 * A dataset that can be split into partitions a worker thread can read on its own exposes a plan
 * under this symbol. Only the data layer's own readers set it (today: Arrow IPC files, whose
 * record batches are randomly addressable through the footer).
 */
export const PARTITIONS = Symbol.for('mlwarden.dataset.partitions');

export interface ArrowFilePartitionPlan {
  kind: 'arrow-file';
  path: string;
  batchCount: number;
  source: string;
  /** Size and modification time at open; workers refuse a file that changed since. */
  size: number;
  mtimeMs: number;
}

export type PartitionPlan = ArrowFilePartitionPlan;

export function partitionPlanOf(dataset: object): PartitionPlan | undefined {
  const plan = (dataset as { [PARTITIONS]?: () => PartitionPlan })[PARTITIONS];
  return typeof plan === 'function' ? plan() : undefined;
}
