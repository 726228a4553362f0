import { isGlobal, type ObjValue, tupleItems, type Value } from '../pickle/_values.js';
import type { PickleMachine } from '../pickle/pickle-machine.js';

const WRAPPER_MODULE = 'joblib.numpy_pickle';
const WRAPPER_NAME = 'NumpyArrayWrapper';

/** The class of a constructed object: the callable of NEWOBJ, or the class given to copyreg helpers. */
function classOf(obj: ObjValue): Value | undefined {
  const fn = obj.fn;
  if (
    isGlobal(fn, 'copyreg', '_reconstructor') ||
    isGlobal(fn, 'copy_reg', '_reconstructor') ||
    isGlobal(fn, 'copyreg', '__newobj__') ||
    isGlobal(fn, 'copyreg', '__newobj_ex__')
  ) {
    return obj.args?.[0];
  }
  return fn;
}

function int(v: Value | undefined): number | undefined {
  if (v?.t !== 'int') return undefined;
  return typeof v.v === 'number' ? v.v : undefined;
}

/** Item size of a numpy dtype built by `numpy.dtype(typestr, align, copy)` + BUILD(state). */
function dtypeLayout(
  dtype: Value | undefined,
): { itemsize?: number; hasObject: boolean } | undefined {
  if (dtype?.t !== 'obj') return undefined;
  const fn = dtype.fn;
  if (
    !(
      fn.t === 'global' &&
      fn.name === 'dtype' &&
      (fn.module === 'numpy' ||
        fn.module === 'numpy.core.multiarray' ||
        fn.module === 'numpy._core.multiarray')
    )
  ) {
    return undefined;
  }
  const typestr = dtype.args?.[0];
  if (typestr?.t !== 'str') return undefined;
  const state = tupleItems(dtype.state);
  const elsize = int(state?.[5]);
  const flags = int(state?.[7]) ?? 0;
  const hasObject = typestr.v.startsWith('O') || (flags & 1) === 1;
  if (elsize !== undefined && elsize > 0) return { itemsize: elsize, hasObject };
  const m = /^[<>|=]?[a-zA-Z](\d+)/.exec(typestr.v);
  if (m !== null) return { itemsize: Number(m[1]), hasObject };
  return { hasObject };
}

/**
 * joblib writes each numpy array as a `NumpyArrayWrapper` object followed, in the same file, by
 * the raw array bytes (after a padding byte and padding) or, for object arrays, by a nested pickle.
 * `joblib.load` reads them right after the wrapper's BUILD; this hook does the same so the stream
 * stays in step. Returns false when the object is not a wrapper.
 */
export async function joblibArrayHook(target: ObjValue, machine: PickleMachine): Promise<boolean> {
  const cls = classOf(target);
  if (!isGlobal(cls, WRAPPER_MODULE, WRAPPER_NAME)) return false;
  const state = target.state;
  if (state?.t !== 'dict' || state.items === undefined) {
    machine.limit(
      'joblib array wrapper whose state the scanner cannot read; the array size is unknown',
    );
  }
  const items = state.items;
  const shape = tupleItems(items.get('shape'));
  const layout = dtypeLayout(items.get('dtype'));
  if (layout === undefined || shape === undefined) {
    machine.limit(
      'joblib array wrapper without a readable shape and dtype; the array size is unknown',
    );
  }
  if (layout.hasObject) {
    const end = await machine.runNested();
    if (end.kind !== 'stop') {
      machine.fail(`object array pickled inside the joblib file ends without STOP (${end.kind})`);
    }
    return true;
  }
  let count = 1n;
  for (const dim of shape) {
    if (dim.t !== 'int' || dim.v < 0) machine.limit('joblib array shape is not a tuple of sizes');
    count *= BigInt(dim.v);
  }
  if (layout.itemsize === undefined)
    machine.limit('joblib array dtype has an item size the scanner cannot compute');
  const bytes = count * BigInt(layout.itemsize);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER))
    machine.fail(`joblib array of ${bytes} bytes is impossibly large`);
  const alignment = items.get('numpy_array_alignment_bytes');
  if (alignment !== undefined && alignment.t === 'int') {
    const pad = (await machine.readRaw(1, 'joblib padding length'))[0] as number;
    if (pad > 0) await machine.skipRaw(pad, 'joblib padding');
  }
  await machine.skipRaw(Number(bytes), 'joblib array data');
  return true;
}
