import { describeTaxonomyId, UsageError } from '@mlwarden/core';
import { z } from 'zod';
import { loadCatalog } from '../catalog.js';
import { closest } from '../closest.js';
import { defineCommand } from '../command.js';

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
}

function optionLines(schema: JsonSchemaNode): string[] {
  return Object.entries(schema.properties ?? {}).map(([name, node]) => {
    const type = node.enum
      ? node.enum.map((v) => JSON.stringify(v)).join(' | ')
      : [node.type ?? 'any'].flat().join(' | ');
    const dflt = node.default === undefined ? '' : ` (default ${JSON.stringify(node.default)})`;
    return `  ${name}: ${type}${dflt}${node.description ? `\n      ${node.description}` : ''}`;
  });
}

export const explainCommand = defineCommand({
  name: 'explain',
  summary: 'describe one check: threat, options, defaults',
  usage: 'mlwarden explain <checkId> [--json]',
  options: { json: { type: 'boolean' } },
  async run({ io, globals, values, positionals }) {
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0) {
      throw new UsageError('explain takes exactly one check id', {
        hint: 'list them with `mlwarden checks`',
      });
    }
    const { checks } = await loadCatalog(io.cwd, globals.config);
    const check = checks.find((c) => c.meta.id === id);
    if (check === undefined) {
      const guess = closest(
        id,
        checks.map((c) => c.meta.id),
      );
      throw new UsageError(`no check has the id "${id}"`, {
        hint: `${guess ? `did you mean ${guess}? ` : ''}list them with \`mlwarden checks\``,
      });
    }
    const { meta } = check;
    const options = z.toJSONSchema(meta.options, {
      io: 'input',
      unrepresentable: 'any',
    }) as JsonSchemaNode;
    if (values.json === true) {
      const { options: _schema, ...rest } = meta;
      io.stdout.write(`${JSON.stringify({ ...rest, options }, null, 2)}\n`);
      return 0;
    }
    const taxonomy = [...(meta.taxonomy.atlas ?? []), ...(meta.taxonomy.owasp ?? [])].map(
      describeTaxonomyId,
    );
    const lines = [
      `${meta.id}: ${meta.title}`,
      '',
      meta.description,
      '',
      `Category:          ${meta.category}`,
      `Default severity:  ${meta.defaultSeverity}`,
      `Requires inputs:   ${meta.requires.length > 0 ? meta.requires.join(', ') : 'none'}`,
      ...(taxonomy.length > 0
        ? ['', 'Threats:', ...taxonomy.map((t) => `  ${t.id} ${t.name} <${t.url}>`)]
        : []),
      ...(meta.rules
        ? [
            '',
            'Rules:',
            ...Object.entries(meta.rules).map(
              ([k, r]) => `  ${meta.id}/${k} [${r.severity ?? meta.defaultSeverity}] ${r.title}`,
            ),
          ]
        : []),
      '',
      'Options:',
      ...(optionLines(options).length > 0 ? optionLines(options) : ['  none']),
      ...(meta.docs ? ['', `Docs: ${meta.docs}`] : []),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
});
