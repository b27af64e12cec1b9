// Reading action inputs into typed values, collecting every mistake so a user fixes them all in one go. Each
// message names the input, quotes the value and says what would be valid.
import { getInput } from '@actions/core';
import { UserError } from '@efs-dr/core';

/** Reads one input's raw value, as `core.getInput` does (trimmed; '' when not given). */
export type InputReader = (name: string) => string;

export const actionsInputReader: InputReader = (name) => getInput(name);

export interface InputParser {
  /** The trimmed value, or undefined when empty. */
  text(name: string): string | undefined;
  /** YAML 1.2 core schema booleans, as `core.getBooleanInput` accepts them; empty → `fallback`. */
  bool(name: string, fallback: boolean): boolean;
  /** A whole number in [min, max]; empty → `fallback`. */
  wholeNumber(name: string, fallback: number, min: number, max: number): number;
  /** One of `allowed`; empty → `fallback`. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  /** A directory relative to the repository (no leading '/', no '..'), normalised; undefined when empty. */
  repoDir(name: string): string | undefined;
  /** Records a mistake found by the caller. */
  mistake(message: string): void;
  /** Throws one UserError listing every mistake, if any. */
  done(): void;
}

const REPO_RELATIVE = /^(?!\/)[A-Za-z0-9._\-/]+$/;

export function createInputParser(read: InputReader): InputParser {
  const mistakes: string[] = [];
  const text = (name: string) => read(name).trim() || undefined;
  return {
    text,
    bool(name, fallback) {
      const value = read(name).trim();
      if (value === '') return fallback;
      if (['true', 'True', 'TRUE'].includes(value)) return true;
      if (['false', 'False', 'FALSE'].includes(value)) return false;
      mistakes.push(`Input '${name}' must be true or false, got ${JSON.stringify(value)}.`);
      return fallback;
    },
    wholeNumber(name, fallback, min, max) {
      const value = read(name).trim();
      if (value === '') return fallback;
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) {
        mistakes.push(
          `Input '${name}' must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`,
        );
        return fallback;
      }
      return n;
    },
    oneOf(name, allowed, fallback) {
      const value = read(name).trim();
      if (value === '') return fallback;
      if ((allowed as readonly string[]).includes(value)) return value as (typeof allowed)[number];
      mistakes.push(`Input '${name}' must be ${allowed.join(' or ')}, got ${JSON.stringify(value)}.`);
      return fallback;
    },
    repoDir(name) {
      const value = text(name);
      if (value === undefined) return undefined;
      const clean = value.replace(/^\.\/+/, '').replace(/\/+$/, '');
      if (!REPO_RELATIVE.test(clean) || clean.split('/').some((p) => p === '..' || p === '')) {
        mistakes.push(
          `Input '${name}' must be a directory relative to the repository (letters, digits, '.', '_', '-', '/'; no leading '/' and no '..'), got ${JSON.stringify(value)}.`,
        );
        return undefined;
      }
      return clean;
    },
    mistake(message) {
      mistakes.push(message);
    },
    done() {
      if (mistakes.length === 1) throw new UserError(mistakes[0] as string);
      if (mistakes.length > 1) {
        throw new UserError(
          `${mistakes.length} input mistakes:\n${mistakes.map((m) => `- ${m}`).join('\n')}`,
        );
      }
    },
  };
}
