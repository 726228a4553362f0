import { main } from '../src/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function runCli(
  argv: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (c: string) => (stdout += c), isTTY: false },
    stderr: { write: (c: string) => (stderr += c), isTTY: false },
    cwd,
    env,
  });
  return { code, stdout, stderr };
}
