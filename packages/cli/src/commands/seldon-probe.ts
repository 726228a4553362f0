import { UsageError } from '@mlwarden/core';
import { openEndpointTarget, seldonEndpointCheck } from '@mlwarden/seldon';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

export const seldonProbeCommand = defineCommand({
  name: 'seldon probe',
  summary: 'probe a live inference endpoint the way an attacker would, within a request budget',
  usage: 'mlwarden seldon probe <endpoint-uri> [--budget N] [options]',
  help: `Endpoint URIs:
  oip+http://127.0.0.1:8080/v2/models/iris            Open Inference Protocol (MLServer, KServe, Triton)
  seldon+https://mesh.example/v2/models/iris          the same through the Seldon Core v2 mesh
  seldon-v1+http://host/api/v1.0/predictions?features=4   Seldon Core v1
Credentials come from MLWARDEN_SELDON_TOKEN or MLWARDEN_SELDON_USERNAME/PASSWORD.

Options:
      --budget <n>   most requests to send (default 40); never exceeded

Rules and options: mlwarden explain seldon.endpoint`,
  options: { budget: { type: 'string' } },
  async run(context) {
    const [uri, ...extra] = context.positionals;
    if (uri === undefined || extra.length > 0) {
      throw new UsageError('seldon probe takes exactly one endpoint URI');
    }
    const budget = context.values.budget === undefined ? undefined : Number(context.values.budget);
    if (budget !== undefined && (!Number.isInteger(budget) || budget < 1)) {
      throw new UsageError(
        `--budget "${String(context.values.budget)}" must be a whole number of at least 1`,
      );
    }
    const model = await openEndpointTarget(uri, { env: context.io.env });
    return focusedRun(
      context,
      [seldonEndpointCheck],
      { model },
      {
        'seldon.endpoint': { options: budget === undefined ? {} : { budget } },
      },
    );
  },
});
