import { UsageError } from '@mlwarden/core';
import { loadManifests, seldonManifestCheck } from '@mlwarden/seldon';
import { defineCommand } from '../command.js';
import { focusedRun } from '../focused-run.js';

export const seldonAuditCommand = defineCommand({
  name: 'seldon audit',
  summary: 'audit SeldonDeployment and Seldon Core v2 manifests before they are applied',
  usage: 'mlwarden seldon audit <file|dir>... [options]',
  help: `Reads multi-document YAML (directories recursively) and reports insecure settings: unpinned
images, privileged or root containers, missing limits, plain-text secrets, public or plain-HTTP
model storage, payload logging, explainers without auth, single replicas and more.
Rules and options: mlwarden explain seldon.manifest

Examples:
  mlwarden seldon audit k8s/
  mlwarden seldon audit deploy.yaml --fail-on medium -o sarif=seldon.sarif`,
  async run(context) {
    if (context.positionals.length === 0) {
      throw new UsageError('seldon audit needs at least one manifest file or directory');
    }
    const { manifests, notes } = await loadManifests(context.positionals, { cwd: context.io.cwd });
    for (const note of notes) context.io.stderr.write(`note: ${note}\n`);
    return focusedRun(context, [seldonManifestCheck], { deployments: manifests });
  },
});
