/**
 * The Markdown of a plan (or apply result) comment: a table of volumes (volume, size, access mode, EFS
 * path, outcome), each volume's rendered YAML folded in `<details>`, and the problems with file:line.
 * Takes plain data, so it does not depend on how the plan is computed. Text that came from a request is
 * escaped: a request can never inject Markdown or HTML into the comment.
 */
import { GITHUB_COMMENT_MAX_LENGTH } from './github-comment.ts';

export interface PlanCommentRow {
  pvName: string;
  namespace: string;
  pvcName: string;
  /** Canonical quantity, `200Gi`. */
  size: string;
  accessMode: string;
  /** Absolute path inside the file system. */
  efsPath: string;
  /** What happens or happened: `create`, `unchanged`, `update labels`, `created`, `failed`, … */
  outcome: string;
  /** Why, when the outcome needs explaining (a rejection, a failure). */
  reason?: string;
  /** The rendered manifests (PV then PVC), shown folded. */
  yaml?: string;
}

export interface PlanCommentProblem {
  file: string;
  /** 1-based; 0 for the file as a whole. */
  line: number;
  column: number;
  message: string;
  /** Dotted field path, e.g. `spec.size`. */
  field?: string;
}

export interface PlanCommentConfigChange {
  /** The changed config keys (`labels`, `volumesRoot`), or `templates` for the templates' content. */
  keys: string[];
  /** Provisioned volumes in all. */
  volumes: number;
  /** The volumes that change: `update` or `refused`, and the fields or the reason. */
  rows: { pvName: string; effect: string; changes: string }[];
  /** Plain sentences (changes that reach new volumes only). */
  notes: string[];
}

export interface PlanCommentInput {
  /** Hidden marker put first (see `commentMarker`), so `upsertStickyComment` finds the comment again. */
  marker?: string;
  /** Heading, e.g. `efs-dr plan`. */
  title: string;
  /** One line of Markdown under the heading, e.g. `3 to create, 1 unchanged`. Not escaped: trusted. */
  summary?: string;
  rows: readonly PlanCommentRow[];
  problems?: readonly PlanCommentProblem[];
  /** Turns problem locations into links to the file at a commit. */
  links?: { serverUrl: string; owner: string; repo: string; sha: string };
  /** What a change of the config or the templates does to the provisioned volumes. */
  configChange?: PlanCommentConfigChange;
  /** Markdown at the very end (e.g. the run's link). Not escaped: trusted. */
  footer?: string;
  /** Character budget; GitHub's comment limit by default. */
  maxLength?: number;
}

/** Room kept for the "… N more" notes and closing tags when sections are cut to fit. */
const NOTE_RESERVE = 600;

export function renderPlanComment(input: PlanCommentInput): string {
  const maxLength = input.maxLength ?? GITHUB_COMMENT_MAX_LENGTH;
  const head: string[] = [];
  if (input.marker) head.push(input.marker);
  head.push(`### ${escapeText(input.title)}`, '');
  if (input.summary) head.push(input.summary, '');
  const footer = input.footer ? `\n${input.footer}\n` : '';
  let budget = maxLength - NOTE_RESERVE - footer.length - joinLength(head);
  const out = [...head];

  const problems = input.problems ?? [];
  if (problems.length > 0) {
    const heading = `**${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}**: nothing is created until ${problems.length === 1 ? 'it is' : 'they are'} fixed.`;
    out.push(heading, '');
    budget -= heading.length + 2;
    const shown = takeWhileFits(
      problems.map((p) => `- ${problemLocation(p, input.links)} ${escapeText(problemText(p))}`),
      budget,
    );
    out.push(...shown.items);
    budget -= shown.used;
    if (shown.items.length < problems.length) {
      out.push(`- … and ${problems.length - shown.items.length} more (see the annotations and the job log)`);
    }
    out.push('');
  }

  if (input.rows.length === 0) {
    if (problems.length === 0) out.push('No volume request changed.', '');
  } else {
    const header = [
      '| Volume | Namespace / claim | Size | Access mode | EFS path | Outcome |',
      '| --- | --- | --- | --- | --- | --- |',
    ];
    out.push(...header);
    budget -= joinLength(header);
    const shown = takeWhileFits(input.rows.map(tableRow), budget);
    out.push(...shown.items);
    budget -= shown.used;
    if (shown.items.length < input.rows.length) {
      out.push(
        '',
        `… and ${input.rows.length - shown.items.length} more volumes (too many for one comment; see the job summary)`,
      );
    }
    out.push('');

    const withYaml = input.rows.filter((r) => r.yaml !== undefined && r.yaml !== '');
    if (withYaml.length > 0 && shown.items.length === input.rows.length) {
      const heading = '#### Rendered manifests';
      out.push(heading, '');
      budget -= heading.length + 2;
      const blocks = takeWhileFits(withYaml.map(yamlBlock), budget);
      out.push(...blocks.items);
      if (blocks.items.length < withYaml.length) {
        out.push(
          `… the manifests of ${withYaml.length - blocks.items.length} more ${withYaml.length - blocks.items.length === 1 ? 'volume are' : 'volumes are'} not shown (GitHub limits a comment to ${maxLength.toLocaleString('en-US')} characters); \`efs-dr plan\` prints them all.`,
          '',
        );
      }
    }
  }
  if (input.configChange) out.push(...configChangeSection(input.configChange, budget));
  const body = `${out.join('\n').replace(/\n+$/, '\n')}${footer}`;
  return body;
}

function configChangeSection(change: PlanCommentConfigChange, budget: number): string[] {
  const keys = change.keys.map(codeSpan).join(', ');
  const out = [
    `#### Config change (${keys}): ${change.rows.length} of ${change.volumes} provisioned volume(s) would change on the next reconcile`,
    '',
  ];
  budget -= joinLength(out);
  if (change.rows.length > 0) {
    const header = ['| Volume | On the next reconcile | What changes |', '| --- | --- | --- |'];
    out.push(...header);
    budget -= joinLength(header);
    const rows = change.rows.map(
      (r) => `| ${htmlCode(r.pvName)} | ${escapeCell(r.effect)} | ${escapeCell(r.changes)} |`,
    );
    const shown = takeWhileFits(rows, budget);
    out.push(...shown.items);
    if (shown.items.length < rows.length) {
      out.push('', `… and ${rows.length - shown.items.length} more (see the job log)`);
    }
    out.push('');
  }
  for (const note of change.notes) out.push(`- ${escapeText(note)}`);
  if (change.notes.length > 0) out.push('');
  return out;
}

function problemText(p: PlanCommentProblem): string {
  return p.field ? `${p.field}: ${p.message}` : p.message;
}

function problemLocation(p: PlanCommentProblem, links: PlanCommentInput['links']): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${Math.max(p.column, 1)}` : p.file;
  const label = codeSpan(where);
  if (!links) return label;
  const path = p.file.split('/').map(encodeURIComponent).join('/');
  const anchor = p.line > 0 ? `#L${p.line}` : '';
  return `[${label}](${links.serverUrl}/${links.owner}/${links.repo}/blob/${links.sha}/${path}${anchor})`;
}

function tableRow(r: PlanCommentRow): string {
  const outcome = r.reason ? `${escapeCell(r.outcome)}: ${escapeCell(r.reason)}` : escapeCell(r.outcome);
  return `| ${htmlCode(r.pvName)} | ${htmlCode(`${r.namespace}/${r.pvcName}`)} | ${escapeCell(r.size)} | ${escapeCell(r.accessMode)} | ${htmlCode(r.efsPath)} | ${outcome} |`;
}

function yamlBlock(r: PlanCommentRow): string {
  const yaml = (r.yaml ?? '').replace(/\n+$/, '');
  const longestRun = Math.max(0, ...(yaml.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [
    `<details><summary>${htmlCode(r.pvName)}</summary>`,
    '',
    `${fence}yaml`,
    yaml,
    fence,
    '',
    '</details>',
    '',
  ].join('\n');
}

function takeWhileFits(lines: string[], budget: number): { items: string[]; used: number } {
  const items: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    items.push(line);
    used += line.length + 1;
  }
  return { items, used };
}

function joinLength(lines: string[]): number {
  return lines.reduce((n, l) => n + l.length + 1, 0);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain text in Markdown: HTML and Markdown's inline syntax are shown literally, on one line. */
function escapeText(text: string): string {
  return escapeHtml(text.replace(/\r?\n/g, ' ')).replace(/([\\`*_[\]|#!~])/g, '\\$1');
}

function escapeCell(text: string): string {
  return escapeText(text);
}

/** `<code>` that survives a table cell: HTML-escaped, pipes as entities (GFM splits cells on `|`). */
function htmlCode(text: string): string {
  return `<code>${escapeHtml(text.replace(/\r?\n/g, ' ')).replace(/\|/g, '&#124;')}</code>`;
}

function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}
