import type { Value } from '../pickle/_values.js';
import type { ScanUnit } from '../scan/scan-unit.js';

/** PyTorch archive pickles (zip or, as nullifAI shipped them, 7z). */
export const TORCH_PICKLE = /(^|\/)(data|constants)\.pkl$/;
const DATA_PKL = /(^|\/)data\.pkl$/;

/** Whether member names have PyTorch's archive layout (`<root>/data.pkl` and `<root>/version`). */
export function isTorchLayout(names: readonly string[]): boolean {
  return names.some((n) => TORCH_PICKLE.test(n)) && names.some((n) => /(^|\/)version$/.test(n));
}

/** Bytes per element of each storage class `torch.save` names in a persistent id. */
const ELEMENT_BYTES: Readonly<Record<string, number>> = {
  DoubleStorage: 8,
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
  ComplexDoubleStorage: 16,
  ComplexFloatStorage: 8,
  QUInt8Storage: 1,
  QInt8Storage: 1,
  QInt32Storage: 4,
  QUInt4x2Storage: 1,
  QUInt2x4Storage: 1,
  UntypedStorage: 1,
};

/** One `('storage', torch.<Type>Storage, key, location, numel)` persistent id of a data.pkl. */
export interface StorageRef {
  type: string;
  key: string;
  numel: number;
  offset: number;
}

/** Storages kept per pickle; more are not checked. */
export const MAX_STORAGES = 1_000_000;

const collectors = new WeakMap<ScanUnit, StorageRef[]>();

/**
 * Asks the pickle scan of `unit` (a `data.pkl` member) to keep its storage persistent ids, and
 * returns the list it fills.
 */
export function collectStorages(unit: ScanUnit): StorageRef[] {
  const list: StorageRef[] = [];
  collectors.set(unit, list);
  return list;
}

/** The list a pickle scan of `unit` fills with storages, when its container asked for one. */
export function storageCollector(unit: ScanUnit): StorageRef[] | undefined {
  return collectors.get(unit);
}

/** The storage a persistent id names, when it has torch.save's shape. */
export function storageRef(pid: Value, offset: number): StorageRef | undefined {
  if (pid.t !== 'tuple' || pid.items === undefined || pid.items.length !== 5) return undefined;
  const [tag, type, key, , numel] = pid.items;
  if (tag?.t !== 'str' || tag.v !== 'storage') return undefined;
  if (type?.t !== 'global' || type.module !== 'torch') return undefined;
  if (key?.t !== 'str' || numel?.t !== 'int') return undefined;
  const n = Number(numel.v);
  return { type: type.name, key: key.v, numel: n, offset };
}

/**
 * B23 (CVE-2026-24747): each storage's declared `numel × element size` must equal the size of its
 * `<root>/data/<key>` member. `memberSize` gives a member's (uncompressed) size by name.
 */
export function checkStorageSizes(
  unit: ScanUnit,
  pickleName: string,
  storages: readonly StorageRef[],
  memberSize: (name: string) => number | undefined,
): void {
  if (!DATA_PKL.test(pickleName)) return;
  const root = pickleName.slice(0, pickleName.length - 'data.pkl'.length);
  const seen = new Set<string>();
  let reported = 0;
  for (const s of storages) {
    if (seen.has(s.key)) continue;
    seen.add(s.key);
    const element = ELEMENT_BYTES[s.type];
    if (element === undefined) continue;
    const member = `${root}data/${s.key}`;
    const actual = memberSize(member);
    const declared = s.numel * element;
    if (actual === declared) continue;
    if (++reported > 20) break;
    unit.report({
      rule: 'storage-size-mismatch',
      severity: 'high',
      message:
        actual === undefined
          ? `${pickleName} declares storage ${JSON.stringify(s.key)} (${s.numel} × torch.${s.type}) but the archive has no member ${member}`
          : `${pickleName} declares storage ${JSON.stringify(s.key)} as ${s.numel} × torch.${s.type} = ${declared} bytes, but ${member} has ${actual} bytes`,
      offset: s.offset,
      evidence: {
        storage: s.key,
        type: `torch.${s.type}`,
        numel: s.numel,
        declaredBytes: declared,
        memberBytes: actual ?? null,
        member,
        bypass: 'B23',
      },
    });
  }
}
