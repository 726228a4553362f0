import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultServer, json, startFaultServer } from '../../test/support/fault-server.js';
import { writeStreamToFile } from './_write-file.js';
import { createMlflowClient } from './create-mlflow-client.js';

let server: FaultServer | undefined;
let scratch: string;
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  // Downloads go below os.tmpdir(): point it at a folder this file owns, to see what is left.
  scratch = await mkdtemp(join(tmpdir(), 'mlw-download-test-'));
  process.env.TMPDIR = scratch;
});
afterAll(async () => {
  process.env.TMPDIR = savedTmp;
  await rm(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Listing = Record<string, { path: string; is_dir?: boolean; file_size?: number }[]>;

/** A fake tracking server that lists `listing` and serves `bodies` for a run's artifacts. */
async function serve(listing: Listing, bodies: Record<string, string>) {
  server = await startFaultServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/2.0/mlflow/artifacts/list') {
      return json(res, 200, { files: listing[url.searchParams.get('path') ?? ''] ?? [] });
    }
    if (url.pathname === '/get-artifact') {
      const body = bodies[url.searchParams.get('path') ?? ''];
      if (body === undefined)
        return json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' });
      res.writeHead(200).end(body);
      return true;
    }
    return json(res, 404, {});
  });
  return createMlflowClient({ trackingUri: server.uri, retries: 0, env: {} });
}

const leftovers = async () =>
  (await readdir(scratch)).filter((d) => d.startsWith('mlwarden-mlflow-'));

describe('downloading artifacts', () => {
  it('downloads a folder tree into a private temp folder and disposes of it', async () => {
    const client = await serve(
      {
        model: [
          { path: 'model/MLmodel', is_dir: false, file_size: 5 },
          { path: 'model/data', is_dir: true },
        ],
        'model/data': [{ path: 'model/data/x.bin', file_size: 3 }],
      },
      { 'model/MLmodel': 'hello', 'model/data/x.bin': 'abc' },
    );
    const d = await client.artifacts.download({ kind: 'run', runId: 'r', path: 'model' });
    expect(d.source).toBe('runs:/r/model');
    expect(d.files).toEqual([
      { path: 'MLmodel', size: 5 },
      { path: 'data/x.bin', size: 3 },
    ]);
    expect(await readFile(join(d.root, 'data/x.bin'), 'utf8')).toBe('abc');
    expect(d.root.startsWith(scratch)).toBe(true);
    await d.dispose();
    expect(existsSync(d.root)).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('downloads a single file when the path is a file', async () => {
    const client = await serve({}, { 'model/MLmodel': 'flavors: {}' });
    const d = await client.artifacts.download({ kind: 'run', runId: 'r', path: 'model/MLmodel' });
    expect(d.files).toEqual([{ path: 'MLmodel', size: 11 }]);
    await d.dispose();
    await expect(
      client.artifacts.download({ kind: 'run', runId: 'r', path: 'nothing/here' }),
    ).rejects.toMatchObject({
      code: 'MLW_INPUT_NOT_FOUND',
    });
  });

  it.each([
    ['a ".." entry', [{ path: '../../evil.sh', file_size: 1 }]],
    ['an absolute entry', [{ path: '/etc/cron.d/evil', file_size: 1 }]],
    ['an entry outside the listed folder', [{ path: 'other/evil.sh', file_size: 1 }]],
    ['a nested entry in a one-level listing', [{ path: 'model/a/b', file_size: 1 }]],
    ['a backslash entry', [{ path: 'model\\..\\..\\evil', file_size: 1 }]],
  ])('refuses a listing with %s and writes nothing', async (_what, files) => {
    const client = await serve(
      { model: files },
      { 'model/../../evil.sh': 'x', 'other/evil.sh': 'x' },
    );
    await expect(
      client.artifacts.download({ kind: 'run', runId: 'r', path: 'model' }),
    ).rejects.toMatchObject({
      code: 'MLW_MLFLOW_UNSAFE_PATH',
    });
    expect(server?.requests.some((r) => r.url.startsWith('/get-artifact'))).toBe(false);
    expect(await leftovers()).toEqual([]);
    expect(existsSync(join(scratch, 'evil.sh'))).toBe(false);
  });

  it('stops before downloading when the listing passes a limit', async () => {
    const client = await serve(
      {
        '': [
          { path: 'big.bin', file_size: 5000 },
          { path: 'small.txt', file_size: 10 },
        ],
      },
      { 'big.bin': 'x'.repeat(5000), 'small.txt': 'y' },
    );
    const location = { kind: 'run' as const, runId: 'r', path: '' };
    await expect(
      client.artifacts.download(location, { limits: { maxFileBytes: 1000 } }),
    ).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
      message: expect.stringContaining('big.bin is 5000 bytes'),
    });
    await expect(
      client.artifacts.download(location, { limits: { maxFiles: 1 } }),
    ).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
    });
    await expect(
      client.artifacts.download(location, { limits: { maxTotalBytes: 5005 } }),
    ).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
    });
    expect(server?.requests.some((r) => r.url.startsWith('/get-artifact'))).toBe(false);
  });

  it('stops a file that is larger than its listing said, and cleans up', async () => {
    const client = await serve(
      { '': [{ path: 'liar.bin', file_size: 10 }] },
      { 'liar.bin': 'z'.repeat(64 * 1024) },
    );
    await expect(
      client.artifacts.download(
        { kind: 'run', runId: 'r', path: '' },
        { limits: { maxFileBytes: 1000 } },
      ),
    ).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
      message: expect.stringContaining('liar.bin'),
    });
    expect(await leftovers()).toEqual([]);
  });

  it('stops deep folder nesting', async () => {
    const listing: Listing = {};
    let dir = '';
    for (let i = 0; i < 5; i++) {
      const child = dir === '' ? `d${i}` : `${dir}/d${i}`;
      listing[dir] = [{ path: child, is_dir: true }];
      dir = child;
    }
    const client = await serve(listing, {});
    await expect(
      client.artifacts.download({ kind: 'run', runId: 'r', path: '' }, { limits: { maxDepth: 3 } }),
    ).rejects.toMatchObject({
      code: 'MLW_LIMIT_EXCEEDED',
      message: expect.stringContaining('deeper than 3'),
    });
  });
});

describe('writeStreamToFile', () => {
  async function* chunks(...parts: string[]) {
    for (const p of parts) yield new TextEncoder().encode(p);
  }

  it('does not follow a link planted in the target folder', async () => {
    const root = await mkdtemp(join(scratch, 'root-'));
    const outside = await mkdtemp(join(scratch, 'outside-'));
    await symlink(outside, join(root, 'evil'));
    await expect(writeStreamToFile(root, 'evil/payload', chunks('x'), 100)).rejects.toMatchObject({
      code: 'MLW_MLFLOW_UNSAFE_PATH',
    });
    await symlink(join(outside, 'target'), join(root, 'link'));
    await expect(writeStreamToFile(root, 'link', chunks('x'), 100)).rejects.toThrow(
      /ELOOP|symbolic/,
    );
    expect(await readdir(outside)).toEqual([]);
  });

  it('creates parents and counts bytes', async () => {
    const root = await mkdtemp(join(scratch, 'root-'));
    await mkdir(join(root, 'a'));
    expect(await writeStreamToFile(root, 'a/b/c.txt', chunks('ab', 'cd'), 100)).toBe(4);
    expect(await readFile(join(root, 'a/b/c.txt'), 'utf8')).toBe('abcd');
  });
});
