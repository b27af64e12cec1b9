// GitHub-flavoured Markdown as it would render, for a terminal: headings in bold, tables aligned, code
// blocks indented, `<details>` folded to its summary line (as GitHub shows it until clicked; `<details open>`
// expanded), HTML comments
// hidden. Only the constructs efs-dr's comments and job summaries use; anything else passes through.
import { formatTable, type Style } from './terminal.ts';

const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
  '&quot;': '"',
  '&#39;': "'",
  '&#124;': '|',
  '&nbsp;': ' ',
};

/** Inline Markdown and the few inline HTML tags used in tables, to terminal text. */
export function renderInline(text: string, style: Style): string {
  return text
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<code>(.*?)<\/code>/g, (_m, code: string) => style.cyan(code))
    .replace(/<\/?(b|strong)>/g, '')
    .replace(/<\/?(i|em|sub|sup|kbd)>/g, '')
    .replace(/`([^`]+)`/g, (_m, code: string) => style.cyan(code))
    .replace(/\*\*([^*]+)\*\*/g, (_m, bold: string) => style.bold(bold))
    .replace(/!?\[([^\]]*)\]\(([^)]*)\)/g, (_m, label: string) => label)
    .replace(/\\([|\\`*_[\]<>#])/g, '$1')
    .replace(/&(lt|gt|amp|quot|#39|#124|nbsp);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** Splits a table row on unescaped pipes. */
function tableCells(line: string): string[] {
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && body[i + 1] === '|') {
      current += '\\|';
      i++;
    } else if (ch === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  cells.push(current.trim());
  return cells;
}

const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** Renders Markdown to terminal lines. */
export function renderMarkdown(markdown: string, style: Style): string[] {
  const src = markdown.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  const blankOnce = () => {
    if (out.length > 0 && out.at(-1) !== '') out.push('');
  };
  while (i < src.length) {
    const line = src[i] ?? '';
    const trimmed = line.trim();
    // HTML comments (markers such as <!-- efs-dr:plan -->), possibly over several lines.
    if (trimmed.startsWith('<!--')) {
      while (i < src.length && !(src[i] ?? '').includes('-->')) i++;
      i++;
      continue;
    }
    // <details open>: shown expanded, the summary as a heading; its closing tag is dropped below.
    if (/^<details\s+open\b/i.test(trimmed)) {
      const summary = /<summary>(.*?)<\/summary>/i.exec(trimmed)?.[1];
      if (summary !== undefined) {
        blankOnce();
        out.push(style.bold(renderInline(summary, style)));
      }
      i++;
      continue;
    }
    if (/^<\/details>$/i.test(trimmed) || /^<summary>.*<\/summary>$/i.test(trimmed)) {
      i++;
      continue;
    }
    // <details>: GitHub shows only the summary until it is opened.
    if (/^<details\b/i.test(trimmed)) {
      let summary = 'Details';
      let depth = 0;
      let hidden = 0;
      for (; i < src.length; i++) {
        const l = src[i] ?? '';
        const m = /<summary>(.*?)<\/summary>/i.exec(l);
        if (m?.[1] !== undefined && depth <= 1 && summary === 'Details') summary = m[1];
        depth += (l.match(/<details\b/gi) ?? []).length;
        depth -= (l.match(/<\/details>/gi) ?? []).length;
        if (!/<\/?details\b|<summary>/i.test(l) && l.trim() !== '') hidden++;
        if (depth <= 0) break;
      }
      i++;
      out.push(`${style.dim('▶')} ${renderInline(summary, style)} ${style.dim(`(folded: ${hidden} lines)`)}`);
      continue;
    }
    // Fenced code block.
    const fence = /^(\s*)(`{3,}|~{3,})/.exec(line);
    if (fence) {
      const marker = fence[2] ?? '```';
      i++;
      while (i < src.length && !(src[i] ?? '').trim().startsWith(marker)) {
        out.push(`    ${style.dim(src[i] ?? '')}`);
        i++;
      }
      i++;
      continue;
    }
    // Table: a header row followed by a separator row.
    if (trimmed.startsWith('|') && TABLE_SEPARATOR.test(src[i + 1] ?? '')) {
      const rows: string[][] = [tableCells(line).map((c) => renderInline(c, style))];
      i += 2;
      while (i < src.length && (src[i] ?? '').trim().startsWith('|')) {
        rows.push(tableCells(src[i] ?? '').map((c) => renderInline(c, style)));
        i++;
      }
      out.push(...formatTable(rows, style));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(trimmed);
    if (heading) {
      blankOnce();
      out.push(style.bold(renderInline(heading[2] ?? '', style)));
      i++;
      continue;
    }
    const quote = /^>\s?(.*)$/.exec(trimmed);
    if (quote) {
      out.push(`${style.dim('│')} ${renderInline(quote[1] ?? '', style)}`);
      i++;
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1] ?? ''}• ${renderInline(bullet[2] ?? '', style)}`);
      i++;
      continue;
    }
    if (trimmed === '') {
      blankOnce();
      i++;
      continue;
    }
    // Plain HTML block tags on their own line render as nothing.
    if (/^<\/?(p|div|table|tbody|thead)\b[^>]*>$/i.test(trimmed)) {
      i++;
      continue;
    }
    out.push(renderInline(line, style));
    i++;
  }
  while (out.at(-1) === '') out.pop();
  return out;
}
