// Strict YAML loading for user-written files (requests, efs-dr.yaml). Uses the `yaml` package rather than
// js-yaml because it keeps every node's source range (so a semantic error found later by the schema can still
// be reported at FILE:LINE:COL) and reports duplicate keys as errors instead of silently keeping the last.
// Everything YAML can do beyond plain data is refused: anchors/aliases (billion-laughs, hidden sharing), explicit
// tags (`!!python/object/apply:…`, `!foo`), complex keys, and files larger than a small limit.
import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  visit,
} from 'yaml';
import type { Problem } from './problem.ts';

/** Largest YAML file read (1 MiB): a request is a few hundred bytes; anything bigger is a mistake or an attack. */
export const MAX_YAML_BYTES = 1024 * 1024;

export type YamlPathSegment = string | number;

export interface YamlPosition {
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

/** One parsed, strictly checked YAML document that holds a mapping. */
export interface YamlDocument {
  file: string;
  /** 0-based index of the document in its file (counting empty documents too). */
  index: number;
  /** The plain data (objects, arrays, strings, numbers, booleans, null). */
  value: Record<string, unknown>;
  /** Where the document starts. */
  start: YamlPosition;
  /**
   * Position of the node at `path` (its key when `target` is 'key'). For a path that does not exist (a missing
   * required field) it returns the deepest existing ancestor's key, so the report points at the parent field.
   */
  positionOf(path: readonly YamlPathSegment[], target?: 'key' | 'value'): YamlPosition;
  /** Makes a Problem located at `path`. */
  problem(path: readonly YamlPathSegment[], message: string, target?: 'key' | 'value'): Problem;
}

export interface YamlLoadResult {
  documents: YamlDocument[];
  problems: Problem[];
}

export interface YamlLoadOptions {
  maxBytes?: number;
  /** What the documents must be, for messages: e.g. 'a VolumeRequest'. */
  expected?: string;
}

/** Dotted field name of a path: `spec.labels.tier`, `spec.mountOptions[2]`. */
export function fieldName(path: readonly YamlPathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses every document of a YAML file strictly. Never throws for bad input: each mistake becomes a Problem with
 * file, line, column and field. Empty documents (`---` alone, comments only) are skipped. A document with any
 * problem is left out of `documents`; the others in the same file are still returned.
 */
export function loadYamlDocuments(
  file: string,
  content: string | Uint8Array,
  options: YamlLoadOptions = {},
): YamlLoadResult {
  const maxBytes = options.maxBytes ?? MAX_YAML_BYTES;
  const expected = options.expected ?? 'a mapping';
  const fileProblem = (message: string): YamlLoadResult => ({
    documents: [],
    problems: [{ file, line: 0, column: 0, field: '', message }],
  });
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  if (size > maxBytes) {
    return fileProblem(
      `file is ${formatBytes(size)}; the limit is ${formatBytes(maxBytes)} — a request file holds a few small documents, split it or remove what is not a request`,
    );
  }
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    try {
      text = utf8.decode(content);
    } catch {
      return fileProblem('file is not valid UTF-8 text');
    }
  }
  if (text.includes('\u0000')) return fileProblem('file contains a NUL byte; YAML files are text');

  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    version: '1.2',
    merge: false,
  });
  const docs = Array.isArray(parsed) ? parsed : [];
  const problems: Problem[] = [];
  const documents: YamlDocument[] = [];
  const at = (offset: number): YamlPosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (!Array.isArray(parsed)) {
    // An EmptyStream: nothing in the file at all.
    return { documents, problems };
  }

  docs.forEach((doc, index) => {
    const docProblems: Problem[] = [];
    const add = (offset: number, field: string, message: string) => {
      const p = at(offset);
      docProblems.push({ file, line: p.line, column: p.column, field, message });
    };
    for (const error of doc.errors) {
      const offset = error.pos[0];
      if (error.code === 'DUPLICATE_KEY') {
        const path = pathOfKeyAt(doc, offset);
        const key = String(path[path.length - 1] ?? text.slice(error.pos[0], error.pos[1]).trim());
        add(
          offset,
          fieldName(path),
          `duplicate key ${JSON.stringify(key)}: each key may appear once in a mapping (YAML would silently keep only one of them)`,
        );
      } else if (error.code === 'MISSING_CHAR' && /quote/i.test(error.message)) {
        // Reported where the file ends; point at the opening quote instead, where the mistake is.
        add(
          openQuoteBefore(doc, offset) ?? offset,
          '',
          `YAML syntax error: ${cleanYamlMessage(error.message)}`,
        );
      } else {
        add(offset, '', `YAML syntax error: ${cleanYamlMessage(error.message)}`);
      }
    }
    if (doc.errors.length === 0) checkPlainData(doc, add);
    const contents = doc.contents;
    const isEmpty = contents === null || (isScalar(contents) && contents.value === null && !contents.tag);
    if (docProblems.length === 0 && isEmpty) return;
    if (docProblems.length === 0 && !isMap(contents)) {
      const what = isSeq(contents) ? 'a list' : isScalar(contents) ? 'a single value' : 'not a mapping';
      add(
        contents?.range?.[0] ?? 0,
        '',
        `the document is ${what}; it must be ${expected} (a mapping of keys)`,
      );
    }
    if (docProblems.length > 0) {
      problems.push(...docProblems);
      return;
    }
    const value = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>;
    const positionOf = (path: readonly YamlPathSegment[], target: 'key' | 'value' = 'value') =>
      at(offsetOf(doc, path, target));
    documents.push({
      file,
      index,
      value,
      start: at(contents?.range?.[0] ?? 0),
      positionOf,
      problem(path, message, target = 'value') {
        const p = positionOf(path, target);
        return { file, line: p.line, column: p.column, field: fieldName(path), message };
      },
    });
  });
  return { documents, problems };
}

/** Start of the quoted scalar that runs up to `offset` (an unterminated string), if any. */
function openQuoteBefore(doc: Document.Parsed, offset: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const [start, end] = node.range ?? [0, 0];
      if (
        (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') &&
        start < offset &&
        end >= offset - 1
      ) {
        found = start;
      }
    },
  });
  return found;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function cleanYamlMessage(message: string): string {
  // The yaml package appends " at line N, column M" plus a code frame when prettyErrors is on; it is off here,
  // but keep only the first line in case a message spans several.
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/** Rejects anchors, aliases, explicit tags and non-scalar keys, anywhere in the document. */
function checkPlainData(doc: Document.Parsed, add: (offset: number, field: string, message: string) => void) {
  visit(doc, {
    Node(_key, node, path) {
      const field = () => fieldName(pathFromAncestors(path, node));
      const offset = node.range?.[0] ?? 0;
      if (isAlias(node)) {
        add(offset, field(), `YAML alias *${node.source} is not allowed: write the value out in full`);
        return visit.SKIP;
      }
      if (node.anchor) {
        add(offset, field(), `YAML anchor &${node.anchor} is not allowed: write each value out in full`);
      }
      if (node.tag && hasExplicitTag(node)) {
        add(
          offset,
          field(),
          `YAML tag ${shortTag(node.tag)} is not allowed: requests are plain data (strings, numbers, lists, mappings); quote the value if it should be a string`,
        );
      }
      return undefined;
    },
    Pair(_key, pair, path) {
      if (pair.key !== null && isNode(pair.key) && !isScalar(pair.key)) {
        add(
          pair.key.range?.[0] ?? 0,
          fieldName(pathFromAncestors(path, pair)),
          'a mapping key must be a plain string, not a list or mapping',
        );
        return visit.SKIP;
      }
      return undefined;
    },
  });
}

function hasExplicitTag(node: Node): boolean {
  // The yaml package sets `tag` on a node only when the source names one (`!!str`, `!foo`), not for plain
  // values whose type was inferred, so any tag here was written by the user.
  return typeof node.tag === 'string' && node.tag.length > 0;
}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

function keyOf(pair: Pair): YamlPathSegment {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return String(k);
}

/** The data path of `node` given the ancestors handed out by `visit`. */
function pathFromAncestors(ancestors: readonly unknown[], node: unknown): YamlPathSegment[] {
  const chain = [...ancestors, node];
  const out: YamlPathSegment[] = [];
  for (let i = 0; i < chain.length; i++) {
    const item = chain[i];
    const next = chain[i + 1];
    if (isPair(item)) {
      out.push(keyOf(item));
      // The key node itself belongs to the pair: stop there.
      if (next !== undefined && next === item.key) break;
    } else if (isSeq(item) && next !== undefined) {
      const idx = item.items.indexOf(next as never);
      if (idx >= 0) out.push(idx);
    }
  }
  return out;
}

function pathOfKeyAt(doc: Document.Parsed, offset: number): YamlPathSegment[] {
  let found: YamlPathSegment[] = [];
  visit(doc, {
    Pair(_key, pair, path) {
      if (isNode(pair.key) && pair.key.range?.[0] === offset) {
        found = pathFromAncestors(path, pair);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Source offset of the node at `path` (or of its key), falling back to the deepest existing ancestor. */
function offsetOf(doc: Document.Parsed, path: readonly YamlPathSegment[], target: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let best = doc.contents?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return best;
      const keyOffset = isNode(pair.key) ? (pair.key.range?.[0] ?? best) : best;
      if (last && target === 'key') return keyOffset;
      best = keyOffset;
      node = pair.value;
      if (last && isNode(node)) return node.range?.[0] ?? best;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!isNode(item)) return best;
      best = item.range?.[0] ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}
