import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from './_tf.js';

let patched = false;

interface KernelArgs {
  inputs: Record<string, Tf.TensorInfo>;
  backend: { disposeData(dataId: unknown): void };
  attrs: Record<string, unknown>;
}

/**
 * The WebAssembly backend multiplies by a transposed matrix several times slower than by a plain
 * one, and every dense layer's input gradient does exactly that. This wraps its BatchMatMul kernel
 * so that a transposed operand is first transposed explicitly (a cheap copy) and then multiplied
 * plainly. The product is the same; only the order of work changes.
 */
export function speedUpWasmMatMul(tf: TfModule): void {
  if (patched) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (original === undefined || transpose === undefined) return;
  patched = true;
  const run = original.kernelFunc as unknown as (args: KernelArgs) => Tf.TensorInfo;
  const runTranspose = transpose.kernelFunc as unknown as (args: KernelArgs) => Tf.TensorInfo;
  const swapLast = (x: Tf.TensorInfo, backend: KernelArgs['backend']) => {
    const rank = x.shape.length;
    const perm = Array.from({ length: rank }, (_, i) => i);
    perm[rank - 1] = rank - 2;
    perm[rank - 2] = rank - 1;
    return runTranspose({ inputs: { x }, backend, attrs: { perm } });
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: ((args: KernelArgs) => {
      const { a, b } = args.inputs as { a: Tf.TensorInfo; b: Tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return run(args);
      const ta = transposeA ? swapLast(a, args.backend) : a;
      const tb = transposeB ? swapLast(b, args.backend) : b;
      try {
        return run({
          ...args,
          inputs: { a: ta, b: tb },
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        });
      } finally {
        if (ta !== a) args.backend.disposeData(ta.dataId);
        if (tb !== b) args.backend.disposeData(tb.dataId);
      }
    }) as unknown as Tf.KernelFunc,
  });
}
