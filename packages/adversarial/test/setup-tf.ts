import { beforeAll } from 'vitest';
import { initTfBackend } from '../src/tf-backend.js';

// Models built in tests need a backend before their first tensor.
beforeAll(async () => {
  await initTfBackend();
});
