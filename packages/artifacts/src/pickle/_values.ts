/** Symbolic values on the stack and in the memo of the pickle abstract machine. */
export type Value =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'bytes'; readonly n: number }
  | { readonly t: 'int'; readonly v: number | bigint }
  | { readonly t: 'float' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'none' }
  | { readonly t: 'global'; readonly module: string; readonly name: string; readonly off: number }
  | ObjValue
  | { readonly t: 'tuple'; readonly items: readonly Value[] | undefined; readonly n: number }
  | { readonly t: 'list' }
  | { readonly t: 'set' }
  | { readonly t: 'frozenset' }
  | DictValue
  | { readonly t: 'persid'; readonly pid: Value }
  | { readonly t: 'buffer' }
  | { readonly t: 'ext'; readonly code: number }
  | { readonly t: 'unknown'; readonly why: string };

/** The result of a call: REDUCE, NEWOBJ, NEWOBJ_EX, OBJ or INST. */
export interface ObjValue {
  readonly t: 'obj';
  readonly fn: Value;
  readonly args: readonly Value[] | undefined;
  readonly off: number;
  /** State given by BUILD, kept for objects whose layout the scanner needs (dtypes). */
  state?: Value;
}

/** A dict; string-keyed items are tracked while the dict is small. */
export interface DictValue {
  readonly t: 'dict';
  items: Map<string, Value> | undefined;
}

export const NONE: Value = { t: 'none' };
export const TRUE: Value = { t: 'bool', v: true };
export const FALSE: Value = { t: 'bool', v: false };
export const FLOAT: Value = { t: 'float' };
export const LIST: Value = { t: 'list' };
export const SET: Value = { t: 'set' };
export const FROZENSET: Value = { t: 'frozenset' };
export const BUFFER: Value = { t: 'buffer' };

/** Items of tuples and dicts are kept up to this many, for evidence and layout decoding. */
export const MAX_TRACKED_ITEMS = 64;

export function tuple(items: Value[]): Value {
  return items.length <= MAX_TRACKED_ITEMS
    ? { t: 'tuple', items, n: items.length }
    : { t: 'tuple', items: undefined, n: items.length };
}

export function unknown(why: string): Value {
  return { t: 'unknown', why };
}

/** Short human description of a value, for messages and evidence. Never longer than ~120 chars. */
export function describe(v: Value, depth = 0): string {
  switch (v.t) {
    case 'str':
      return JSON.stringify(v.v.length > 60 ? `${v.v.slice(0, 60)}…` : v.v);
    case 'bytes':
      return `bytes[${v.n}]`;
    case 'int':
      return String(v.v);
    case 'float':
      return 'float';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'global':
      return `${v.module}.${v.name}`;
    case 'obj':
      return depth > 2 ? 'call(…)' : `call(${describe(v.fn, depth + 1)})`;
    case 'tuple':
      if (v.items === undefined || depth > 2) return `tuple[${v.n}]`;
      return `(${v.items
        .slice(0, 6)
        .map((x) => describe(x, depth + 1))
        .join(', ')}${v.items.length > 6 ? ', …' : ''})`;
    case 'list':
    case 'set':
    case 'frozenset':
    case 'dict':
    case 'buffer':
      return v.t;
    case 'persid':
      return `persistent_id(${describe(v.pid, depth + 1)})`;
    case 'ext':
      return `extension(${v.code})`;
    case 'unknown':
      return `unknown (${v.why})`;
  }
}

/** Positional items of a tuple value, or undefined when unknown or not a tuple. */
export function tupleItems(v: Value | undefined): readonly Value[] | undefined {
  return v?.t === 'tuple' ? v.items : undefined;
}

export function isGlobal(v: Value | undefined, module: string, name: string): boolean {
  return v?.t === 'global' && v.module === module && v.name === name;
}
