import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, parseDataContract, UsageError } from '@mlwarden/core';
import { exportGxSuiteJson, type GxSuiteGeneration } from '@mlwarden/great-expectations';
import { defineCommand } from '../command.js';

const GENERATIONS: readonly GxSuiteGeneration[] = ['0.18', '1.x'];

export const gxExportSuiteCommand = defineCommand({
  name: 'gx export-suite',
  summary: 'write a data contract as a Great Expectations expectation suite',
  usage:
    'mlwarden gx export-suite <contract.yaml|json> [--gx 1.x|0.18] [--name suite] [--out file]',
  help: `Options:
      --gx <generation>  GX release line to write for: 1.x (default) or 0.18
      --name <suite>     suite name (default: the contract's name)
      --out <file>       write the suite here instead of standard output

One contract then drives both tools: mlwarden's data.integrity check and GX. Put the suite in
your GX project's expectations/ folder.`,
  options: { gx: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' } },
  async run({ io, values, positionals }) {
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) {
      throw new UsageError('gx export-suite takes exactly one contract file');
    }
    const generation = (values.gx ?? '1.x') as GxSuiteGeneration;
    if (!GENERATIONS.includes(generation)) {
      throw new UsageError(`--gx "${String(values.gx)}" is not a GX generation`, {
        hint: 'use 1.x or 0.18',
      });
    }
    const path = resolve(io.cwd, file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      throw new InputError(`contract ${file} cannot be read`, {
        code: 'MLW_INPUT_NOT_FOUND',
        cause,
      });
    }
    const contract = parseDataContract(text, file);
    const json = exportGxSuiteJson(contract, {
      generation,
      ...(typeof values.name === 'string' && { suiteName: values.name }),
    });
    if (typeof values.out === 'string') await writeFile(resolve(io.cwd, values.out), json);
    else io.stdout.write(json);
    return 0;
  },
});
