import { pythonVenv } from './_python.js';

export default async function setup(): Promise<void> {
  // Creates the Python virtual environments once, before any test waits on them.
  await pythonVenv('art');
  await pythonVenv('onnx');
}
