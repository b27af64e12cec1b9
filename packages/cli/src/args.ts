// Shared argv parsing for every command (node:util parseArgs, strict): one option table per command gives both
// the parser configuration and the --help text, so they cannot disagree.
import { parseArgs } from 'node:util';

export const EXIT_OK = 0;
/** Invalid requests, conflicts, or any volume failed. */
export const EXIT_FAILED = 1;
/** Usage or environment error (bad flags, missing directory or mount, unreadable kubeconfig, invalid config). */
export const EXIT_USAGE = 2;

/** A mistake on the command line or in the environment: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Placeholder in help, e.g. DIR. */
  valueName?: string;
  short?: string;
  /** The value may be given several times (string options only). */
  multiple?: boolean;
  required?: boolean;
  /** Shown in help only; defaults are applied by the command. */
  defaultText?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed values: strings (or string lists) and booleans, keyed by option name. */
export type ParsedOptions<T extends OptionSpecs> = {
  [K in keyof T]: T[K]['type'] extends 'boolean'
    ? boolean | undefined
    : T[K]['multiple'] extends true
      ? string[] | undefined
      : string | undefined;
};

/** Options several commands share, so their names and help read the same everywhere. */
export const configOption = {
  type: 'string',
  valueName: 'FILE',
  description: 'Repo config file.',
  defaultText: 'efs-dr.yaml when present',
} as const satisfies OptionSpec;
export const jsonOption = {
  type: 'boolean',
  description:
    'Print one JSON document on stdout (nothing else there) describing every volume and its outcome.',
} as const satisfies OptionSpec;
export const verboseOption = {
  type: 'boolean',
  short: 'v',
  description: 'More detail on stderr.',
} as const satisfies OptionSpec;

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help.' };

/** Parses `argv` against `specs` (plus --help). Throws UsageError on unknown or malformed options. */
export function parseCommandArgs<T extends OptionSpecs>(
  command: string,
  argv: readonly string[],
  specs: T,
): { values: ParsedOptions<T>; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries({ ...specs, help: HELP })) {
    options[name] = { type: spec.type };
    if (spec.short) options[name].short = spec.short;
    if (spec.multiple) options[name].multiple = true;
  }
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined> };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(cleanParseArgsMessage(error), command);
  }
  const values = parsed.values;
  const help = values.help === true;
  if (!help) {
    for (const [name, spec] of Object.entries(specs)) {
      const value = values[name];
      if (spec.required && value === undefined) throw new UsageError(`--${name} is required`, command);
      if (spec.type === 'string' && typeof value === 'string' && value === '') {
        throw new UsageError(`--${name} needs a value`, command);
      }
    }
  }
  delete values.help;
  return { values: values as ParsedOptions<T>, help };
}

function cleanParseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // parseArgs adds advice about '--' for positionals that does not apply here.
  return message.split('. To specify a positional argument')[0]?.replace(/\.$/, '') ?? message;
}

/** Help text of a command from its option table. */
export function formatCommandHelp(summary: string, usage: string, specs: OptionSpecs): string {
  const rows = Object.entries({ ...specs, help: HELP }).map(([option, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${option}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    const extra = [spec.required ? 'required' : '', spec.defaultText ? `default: ${spec.defaultText}` : '']
      .filter(Boolean)
      .join('; ');
    return [flag, `${spec.description}${extra ? ` (${extra})` : ''}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
  return `${summary}\n\nUsage: ${usage}\n\nOptions:\n${lines.join('\n')}\n`;
}
