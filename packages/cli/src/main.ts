import { parseArgs } from 'node:util';
import { MlwardenError, redact, UsageError, VERSION } from '@mlwarden/core';
import { closest } from './closest.js';
import type { Command } from './command.js';
import { type CommandEntry, commands } from './commands/index.js';
import { EXIT } from './exit-codes.js';
import { GLOBAL_HELP, globalOptionSpec, readGlobalOptions } from './global-options.js';
import { type CliIo, processIo } from './io.js';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `mlwarden ${VERSION}: test, attack and gate ML pipelines

Usage: mlwarden <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

Run \`mlwarden <command> --help\` for a command's options.

${GLOBAL_HELP}

Exit codes: 0 pass, 1 findings at or above --fail-on, 2 usage, configuration or input error,
3 a check errored or could not finish (e.g. a scan limit was hit).
`;
}

function commandHelp(command: Command): string {
  return `Usage: ${command.usage}

${command.summary}
${command.help ? `\n${command.help}\n` : ''}
${GLOBAL_HELP}
`;
}

/** The command whose name matches the most leading words of `argv`. */
function findCommand(words: string[]): { entry: CommandEntry; used: number } | undefined {
  let found: { entry: CommandEntry; used: number } | undefined;
  for (const entry of commands) {
    const parts = entry.name.split(' ');
    if (
      parts.every((p, i) => words[i] === p) &&
      (found === undefined || parts.length > found.used)
    ) {
      found = { entry, used: parts.length };
    }
  }
  return found;
}

function printError(io: CliIo, error: unknown): void {
  if (MlwardenError.isInstance(error)) {
    io.stderr.write(`mlwarden: ${redact(error.message)}\n`);
    if (error.hint) io.stderr.write(`  hint: ${redact(error.hint)}\n`);
    return;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(
    `mlwarden: internal error: ${redact(message)}\n  This is a bug in mlwarden; please report it with the command you ran.\n`,
  );
}

/** Runs the CLI and returns the exit code (never throws, never calls process.exit). */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const words = argv.filter((a) => !a.startsWith('-'));
    if (argv.includes('--version') || argv[0] === 'version') {
      io.stdout.write(`${VERSION}\n`);
      return EXIT.pass;
    }
    if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
      const named = argv[0] === 'help' ? findCommand(argv.slice(1)) : undefined;
      io.stdout.write(named ? commandHelp(await named.entry.load()) : topHelp());
      return EXIT.pass;
    }
    const match = argv[0]?.startsWith('-') ? undefined : findCommand(argv as string[]);
    if (match === undefined) {
      const first = words[0] ?? argv[0] ?? '';
      const guess = closest(
        first,
        commands.map((c) => c.name.split(' ')[0] as string),
      );
      throw new UsageError(`unknown command "${first}"`, {
        hint: guess
          ? `did you mean \`mlwarden ${guess}\`? Run \`mlwarden --help\` for all commands`
          : 'run `mlwarden --help` for the commands',
      });
    }
    const command = await match.entry.load();
    const rest = argv.slice(match.used);
    const options = { ...globalOptionSpec, ...command.options };
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
    } catch (cause) {
      const flag = /'(-{1,2}[^' ]+)'/.exec((cause as Error).message)?.[1];
      const names = Object.keys(options).map((o) => `--${o}`);
      const guess = flag ? closest(flag, names) : undefined;
      throw new UsageError(`${command.name}: ${(cause as Error).message.split('. ')[0]}`, {
        cause,
        hint: `${guess ? `did you mean ${guess}? ` : ''}run \`mlwarden ${command.name} --help\` for its options`,
      });
    }
    if (parsed.values.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT.pass;
    }
    const globals = readGlobalOptions(parsed.values);
    return await command.run({
      io,
      globals,
      values: parsed.values as Record<string, string | boolean | string[] | boolean[] | undefined>,
      positionals: parsed.positionals,
    });
  } catch (error) {
    printError(io, error);
    return EXIT.usage;
  }
}
