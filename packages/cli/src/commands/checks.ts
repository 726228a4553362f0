import { UsageError } from '@mlwarden/core';
import { loadCatalog } from '../catalog.js';
import { defineCommand } from '../command.js';

export const checksCommand = defineCommand({
  name: 'checks',
  summary: 'list every available check',
  usage: 'mlwarden checks [--json] [--config file]',
  help: `Options:
      --json   one JSON array: id, title, category, defaultSeverity, taxonomy, requires, description

Lists the built-in checks and those of the plugins in the configuration file.`,
  options: { json: { type: 'boolean' } },
  async run({ io, globals, values, positionals }) {
    if (positionals.length > 0)
      throw new UsageError(`checks takes no arguments, got "${positionals.join(' ')}"`);
    const { checks } = await loadCatalog(io.cwd, globals.config);
    const rows = checks
      .map(({ meta }) => ({
        id: meta.id,
        title: meta.title,
        category: meta.category,
        defaultSeverity: meta.defaultSeverity,
        taxonomy: meta.taxonomy,
        requires: [...meta.requires],
        description: meta.description,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      io.stdout.write(
        'No checks are available. Add a plugin in mlwarden.config.* (see docs/writing-a-plugin.md).\n',
      );
      return 0;
    }
    const idWidth = Math.max(...rows.map((r) => r.id.length)) + 2;
    const catWidth = Math.max(...rows.map((r) => r.category.length)) + 2;
    for (const r of rows) {
      io.stdout.write(
        `${r.id.padEnd(idWidth)}${r.category.padEnd(catWidth)}${r.defaultSeverity.padEnd(10)}${r.title}\n`,
      );
    }
    io.stdout.write(
      `\n${rows.length} check${rows.length === 1 ? '' : 's'}. \`mlwarden explain <id>\` describes one.\n`,
    );
    return 0;
  },
});
