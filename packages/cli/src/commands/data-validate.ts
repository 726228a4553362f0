import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { dataIntegrityCheck, dataPiiCheck } from '@mlwarden/checks';
import {
  InputError,
  type Inputs,
  openDataset,
  parseDataContract,
  UsageError,
} from '@mlwarden/core';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

export const dataValidateCommand = defineCommand({
  name: 'data validate',
  summary: 'validate a dataset: contract, integrity, leakage, personal data and secrets',
  usage:
    'mlwarden data validate <dataset> [--contract file] [--reference dataset] [--label column] [options]',
  help: `Runs data.integrity (contract, missing values, constant columns, duplicates, new or vanished
categories, train/test contamination, label leakage, class imbalance) and data.pii (personal data
and secrets, masked) on the dataset.

Options:
      --contract <file>      a YAML or JSON data contract (without one, a contract is inferred
                             from --reference when given)
      --reference <dataset>  a trusted dataset: categories, missing rates, contamination
      --label <column>       the label column: leakage and class balance`,
  options: {
    contract: { type: 'string' },
    reference: { type: 'string' },
    label: { type: 'string' },
  },
  async run(context) {
    const { io, values, positionals } = context;
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0)
      throw new UsageError('data validate takes exactly one dataset');
    let contract: unknown;
    if (typeof values.contract === 'string') {
      let text: string;
      try {
        text = await readFile(resolve(io.cwd, values.contract), 'utf8');
      } catch (cause) {
        throw new InputError(`contract ${values.contract} cannot be read`, {
          code: 'MLW_INPUT_NOT_FOUND',
          cause,
        });
      }
      contract = parseDataContract(text, values.contract);
    }
    const open = (f: string) => openDataset(resolve(io.cwd, f), { source: f });
    const inputs: Inputs = {
      dataset: await open(file),
      ...(typeof values.reference === 'string' && { reference: await open(values.reference) }),
    };
    const options = {
      ...(contract !== undefined && { contract }),
      ...(typeof values.label === 'string' && { label: values.label }),
    };
    return focusedRun(context, [dataIntegrityCheck, dataPiiCheck], inputs, {
      'data.integrity': { options },
    });
  },
});
