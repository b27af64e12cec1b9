// Label and field selectors as the API server parses them (k8s.io/apimachinery/pkg/labels, /fields).
import { badRequest } from './status.ts';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type Selector = (labels: Record<string, string>) => boolean;

/** The selector of an empty text: it matches every object (callers may skip reading labels). */
export const matchAll: Selector = () => true;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseRequirement(text: string, original: string): Requirement {
  let m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (m) {
    const values = (m[3] ?? '').split(',').map((v) => v.trim());
    return { op: m[2] === 'in' ? 'in' : 'notin', key: m[1] ?? '', values };
  }
  m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(text);
  if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1] ?? '', value: m[3] ?? '' };
  m = /^!\s*([^\s!=(),]+)$/.exec(text);
  if (m) return { op: 'notexists', key: m[1] ?? '' };
  m = /^([^\s!=(),]+)$/.exec(text);
  if (m) return { op: 'exists', key: m[1] ?? '' };
  throw badRequest(
    `unable to parse requirement: found '${text}', expected: in, notin, =, ==, !=, gt, lt (selector "${original}")`,
  );
}

export function parseLabelSelector(text: string | null): Selector {
  if (text === null || text.trim() === '') return matchAll;
  const requirements = splitTopLevel(text).map((part) => parseRequirement(part, text));
  return (labels) =>
    requirements.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      const value = labels[r.key];
      switch (r.op) {
        case 'eq':
          return has && value === r.value;
        case 'neq':
          return !has || value !== r.value;
        case 'in':
          return has && r.values.includes(value ?? '');
        case 'notin':
          return !has || !r.values.includes(value ?? '');
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
      return false;
    });
}

export type FieldSelector = (fields: Record<string, string>) => boolean;

/** The field selector of an empty text: it matches every object (callers may skip reading fields). */
export const matchAllFields: FieldSelector = () => true;

/** Parses a field selector; `supported` lists the field labels the resource allows. */
export function parseFieldSelector(text: string | null, supported: readonly string[]): FieldSelector {
  if (text === null || text.trim() === '') return matchAllFields;
  const terms = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const parsed = terms.map((term) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const key = m[1] ?? '';
    if (!supported.includes(key)) throw badRequest(`field label not supported: ${key}`);
    return { key, negate: m[2] === '!=', value: m[3] ?? '' };
  });
  return (fields) => parsed.every((p) => (fields[p.key] === p.value) !== p.negate);
}
