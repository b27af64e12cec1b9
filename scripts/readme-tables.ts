// The README's tables of action inputs and outputs are generated from each action.yml, and its tables of CLI
// options from each command's option specs (the same table that drives the parser and --help), so they can
// never drift: `pnpm readme-tables` rewrites what sits between the markers, and test/e2e/readme.test.ts
// fails when the committed README differs from what this would write.
//
//   <!-- inputs:action-create -->  …table…  <!-- /inputs:action-create -->
//   <!-- outputs:action-create --> …table…  <!-- /outputs:action-create -->
//   <!-- cli:plan -->              …table…  <!-- /cli:plan -->        (every command in the CLI's table)
//
// The README is Biome-formatted (padded tables); comparisons ignore that padding.
//
// Usage: pnpm readme-tables [--check]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { OptionSpecs } from '../packages/cli/src/args.ts';
import { commands } from '../packages/cli/src/commands.ts';

// The workspace root has no dependencies of its own; `yaml` is the core package's.
const { parse } = createRequire(new URL('../packages/core/package.json', import.meta.url))('yaml') as {
  parse(text: string): unknown;
};

export const ACTIONS = ['action-create', 'action-restore'] as const;

interface ActionYml {
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown } | null>;
  outputs?: Record<string, { description?: string } | null>;
}

/**
 * A table cell: one line, pipes escaped (GFM tables split on `|` even inside code spans), and `<` `>`
 * outside code spans as entities (GitHub would take `<manifests>` for an HTML tag and drop it).
 */
function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('')
    .replace(/\|/g, '\\|');
}

/** A default as it would be written in a workflow, in a code span; `${{ … }}` stays as written. */
function defaultCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return text === '' ? "`''`" : `\`${text.replace(/\|/g, '\\|')}\``;
}

export function inputsTable(actionYmlText: string): string {
  const doc = parse(actionYmlText) as ActionYml;
  const rows = Object.entries(doc.inputs ?? {}).map(([name, spec]) => {
    const required = spec?.required === true;
    return `| \`${name}\` | ${required ? 'yes' : 'no'} | ${required ? '' : defaultCell(spec?.default)} | ${cell(spec?.description ?? '')} |`;
  });
  return ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function outputsTable(actionYmlText: string): string {
  const doc = parse(actionYmlText) as ActionYml;
  const rows = Object.entries(doc.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec?.description ?? '')} |`,
  );
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n');
}

/** The options of one CLI command, as its --help lists them. */
export function cliOptionsTable(options: OptionSpecs): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `\`--${name}${spec.valueName ? ` ${spec.valueName}` : ''}\`${spec.short ? ` (\`-${spec.short}\`)` : ''}`;
    const notes = [spec.required ? 'Required.' : '', spec.defaultText ? `Default: ${spec.defaultText}.` : '']
      .filter(Boolean)
      .join(' ');
    return `| ${flag} | ${cell(`${spec.description}${notes ? ` ${notes}` : ''}`)} |`;
  });
  rows.push('| `--help` (`-h`) | Show the help. |');
  return ['| Option | Description |', '| --- | --- |', ...rows].join('\n');
}

/** Replaces the text between `<!-- kind:action -->` and `<!-- /kind:action -->`; throws if a marker is missing. */
function replaceBetween(readme: string, marker: string, body: string): string {
  const open = `<!-- ${marker} -->`;
  const close = `<!-- /${marker} -->`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} block`);
  return `${readme.slice(0, start + open.length)}\n${body}\n${readme.slice(end)}`;
}

/** The README with every generated table rewritten: actions from their action.yml under `root`, CLI commands. */
export async function withGeneratedTables(readme: string, root: string): Promise<string> {
  let text = readme;
  for (const action of ACTIONS) {
    const yml = readFileSync(join(root, action, 'action.yml'), 'utf8');
    text = replaceBetween(text, `inputs:${action}`, inputsTable(yml));
    text = replaceBetween(text, `outputs:${action}`, outputsTable(yml));
  }
  for (const [name, entry] of Object.entries(commands)) {
    text = replaceBetween(text, `cli:${name}`, cliOptionsTable((await entry.load()).options));
  }
  return text;
}

/**
 * The Markdown with table padding removed: Biome formats the README (`pnpm lint` checks it) and pads table
 * columns; the generated tables are compared without that padding.
 */
export function withoutTablePadding(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) =>
      line.trimStart().startsWith('|')
        ? line
            .trim()
            .replace(/\s*(?<!\\)\|\s*/g, '|')
            .replace(/-{3,}/g, '---')
        : line,
    )
    .join('\n');
}

if (import.meta.main) {
  const root = new URL('..', import.meta.url).pathname;
  const path = join(root, 'README.md');
  const current = readFileSync(path, 'utf8');
  const next = await withGeneratedTables(current, root);
  const same = withoutTablePadding(next) === withoutTablePadding(current);
  if (process.argv.includes('--check')) {
    if (!same) {
      console.error(
        "README.md's generated tables differ from action.yml or the CLI: run 'pnpm readme-tables'.",
      );
      process.exit(1);
    }
    console.log("README.md's generated tables are current");
  } else if (same) {
    console.log("README.md's generated tables are current");
  } else {
    writeFileSync(path, next);
    // Format as Biome would (padded tables), so `pnpm lint` stays clean on the README.
    execFileSync('pnpm', ['exec', 'biome', 'format', '--write', path], { cwd: root, stdio: 'ignore' });
    console.log("wrote README.md's generated tables (action.yml inputs and outputs, CLI options)");
  }
}
