import { UsageError } from '@mlwarden/core';
import { gxValidationCheck, importGxResults } from '@mlwarden/great-expectations';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

export const gxImportCommand = defineCommand({
  name: 'gx import',
  summary: 'turn Great Expectations validation and checkpoint results into findings',
  usage: 'mlwarden gx import <file|dir>... [--all-runs] [options]',
  help: `Reads GX 0.18 and 1.x results: validation results, checkpoint results, and whole
uncommitted/validations trees (the newest run of each suite unless --all-runs). Each failed
expectation becomes a finding with masked samples of the unexpected values.

Options:
      --all-runs   every run in a validations tree, not only the newest per suite

Rules and options: mlwarden explain gx.validation`,
  options: { 'all-runs': { type: 'boolean' } },
  async run(context) {
    if (context.positionals.length === 0) {
      throw new UsageError('gx import needs at least one results file or validations directory');
    }
    const validationResults = await importGxResults(context.positionals, {
      cwd: context.io.cwd,
      runs: context.values['all-runs'] === true ? 'all' : 'latest',
      onIgnored: (path, reason) => context.io.stderr.write(`note: skipped ${path}: ${reason}\n`),
    });
    return focusedRun(context, [gxValidationCheck], { validationResults });
  },
});
