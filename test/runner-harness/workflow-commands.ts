/**
 * What the Actions runner reads back from a step: workflow commands on stdout/stderr (`::error file=…::msg`,
 * `::add-mask::v`, …) and the file commands (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV) in the
 * `name=value` / `name<<DELIMITER` format @actions/core writes.
 */

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

export interface WorkflowCommands {
  annotations: Annotation[];
  /** Values registered with `::add-mask::`, in order. */
  masks: string[];
  debug: string[];
  /** Names of `::group::` blocks, in order. */
  groups: string[];
  /** Legacy `::set-output` / `::save-state` commands (still honoured by the runner). */
  legacyOutputs: Record<string, string>;
  legacyState: Record<string, string>;
  /** The log as the runner shows it: command lines consumed, masked values replaced by `***`. */
  log: string[];
}

/** Undoes the toolkit's escaping of a command's message (`%25`, `%0D`, `%0A`). */
export function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

/** Undoes the toolkit's escaping of a property value (also `%3A` for `:` and `%2C` for `,`). */
export function unescapeProperty(s: string): string {
  return s
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%');
}

const COMMAND = /^::([A-Za-z][\w-]*)(?: ([^:]*))?::(.*)$/;

/**
 * Reads the workflow commands in a step's output, as the runner does: one command per line (leading
 * whitespace allowed), honouring `::stop-commands::TOKEN` … `::TOKEN::`, masking registered values
 * (and `secrets`, like the runner masks the secrets context) in the returned log.
 */
export function parseWorkflowCommands(output: string, secrets: readonly string[] = []): WorkflowCommands {
  const result: WorkflowCommands = {
    annotations: [],
    masks: [],
    debug: [],
    groups: [],
    legacyOutputs: {},
    legacyState: {},
    log: [],
  };
  const maskValues = secrets.filter((s) => s !== '');
  const mask = (line: string) =>
    [...maskValues].sort((a, b) => b.length - a.length).reduce((l, v) => l.split(v).join('***'), line);
  let stopToken: string | undefined;
  const lines = output.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  for (const raw of lines) {
    const line = raw.trimStart();
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      else result.log.push(mask(raw));
      continue;
    }
    const m = COMMAND.exec(line);
    if (!m) {
      result.log.push(mask(raw));
      continue;
    }
    const [, command = '', props = '', data = ''] = m;
    const properties = parseProperties(props);
    const message = unescapeData(data);
    switch (command) {
      case 'error':
      case 'warning':
      case 'notice': {
        result.annotations.push(annotation(command, message, properties));
        result.log.push(
          mask(`${command === 'error' ? 'Error' : command === 'warning' ? 'Warning' : 'Notice'}: ${message}`),
        );
        break;
      }
      case 'add-mask':
        if (message !== '') {
          result.masks.push(message);
          maskValues.push(message);
        }
        break;
      case 'debug':
        result.debug.push(message);
        result.log.push(mask(`##[debug]${message}`));
        break;
      case 'group':
        result.groups.push(message);
        result.log.push(mask(`##[group]${message}`));
        break;
      case 'endgroup':
        result.log.push('##[endgroup]');
        break;
      case 'stop-commands':
        stopToken = message;
        break;
      case 'set-output':
        if (properties.name) result.legacyOutputs[properties.name] = message;
        break;
      case 'save-state':
        if (properties.name) result.legacyState[properties.name] = message;
        break;
      default:
        // Unknown commands are printed as they are.
        result.log.push(mask(raw));
    }
  }
  return result;
}

function parseProperties(props: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!props) return out;
  for (const pair of props.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    out[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
  }
  return out;
}

function annotation(level: AnnotationLevel, message: string, p: Record<string, string>): Annotation {
  const a: Annotation = { level, message };
  if (p.title !== undefined) a.title = p.title;
  if (p.file !== undefined) a.file = p.file;
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const line = num(p.line);
  const endLine = num(p.endLine);
  const col = num(p.col);
  const endColumn = num(p.endColumn);
  if (line !== undefined) a.line = line;
  if (endLine !== undefined) a.endLine = endLine;
  if (col !== undefined) a.col = col;
  if (endColumn !== undefined) a.endColumn = endColumn;
  return a;
}

/**
 * Parses a file command file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV): `name=value` lines and
 * `name<<DELIMITER` … `DELIMITER` blocks, later entries winning. Throws on an unterminated block, as the
 * runner fails the step.
 */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq > 0 && (heredoc === -1 || eq < heredoc)) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
      continue;
    }
    if (heredoc <= 0) throw new Error(`Invalid format '${line}'`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (delimiter === '') throw new Error(`Invalid format '${line}': empty delimiter`);
    const value: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      if (lines[i] === delimiter) {
        closed = true;
        break;
      }
      value.push(lines[i] as string);
    }
    if (!closed) throw new Error(`Matching delimiter not found '${delimiter}'`);
    out[name] = value.join('\n');
  }
  return out;
}
