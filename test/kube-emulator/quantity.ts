// Resource quantities (k8s.io/apimachinery/pkg/api/resource): parsing and the canonical form the API
// server writes back ("1024Mi" is stored as "1Gi", "1000M" as "1G").

const binary: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimal: Record<string, number> = { n: -3, u: -2, m: -1, '': 0, k: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

export const QUANTITY_REGEX_TEXT =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export interface Quantity {
  value: number;
  format: 'BinarySI' | 'DecimalSI' | 'DecimalExponent';
}

/** Parsed quantities by text (a cluster has few distinct ones; parsing is pure). Bounded. */
const parsed = new Map<string, Quantity | undefined>();

export function parseQuantity(text: string): Quantity | undefined {
  if (parsed.has(text)) return parsed.get(text);
  const q = parse(text);
  if (parsed.size >= 10_000) parsed.clear();
  parsed.set(text, q === undefined ? undefined : Object.freeze(q));
  return q;
}

function parse(text: string): Quantity | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match || text.trim() !== text) return undefined;
  const numberText = match[1] ?? '';
  const suffix = match[2] ?? '';
  if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(numberText)) return undefined;
  const base = Number(numberText);
  if (suffix in binary) return { value: base * 1024 ** (binary[suffix] ?? 0), format: 'BinarySI' };
  if (suffix in decimal) return { value: base * 1000 ** (decimal[suffix] ?? 0), format: 'DecimalSI' };
  const exponent = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  if (exponent) return { value: base * 10 ** Number(exponent[1]), format: 'DecimalExponent' };
  return undefined;
}

/** Bytes (or units) of a quantity string, NaN when it does not parse. */
export function quantityValue(text: unknown): number {
  if (typeof text === 'number') return text;
  if (typeof text !== 'string') return Number.NaN;
  return parseQuantity(text)?.value ?? Number.NaN;
}

function decimalForm(value: number): string {
  if (!Number.isInteger(value)) {
    const milli = Math.round(value * 1000);
    return `${milli}m`;
  }
  if (value === 0) return '0';
  const suffixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  for (let k = suffixes.length - 1; k > 0; k--) {
    const unit = 1000 ** k;
    if (value % unit === 0) return `${value / unit}${suffixes[k]}`;
  }
  return String(value);
}

const canonical = new Map<string, string>();

/** The canonical text the API server stores for a quantity (kept per text, as parsing is). */
export function canonicalQuantity(text: string): string {
  let out = canonical.get(text);
  if (out === undefined) {
    out = canonicalForm(text);
    if (canonical.size >= 10_000) canonical.clear();
    canonical.set(text, out);
  }
  return out;
}

function canonicalForm(text: string): string {
  const q = parseQuantity(text);
  if (!q) return text;
  if (q.format === 'BinarySI' && Number.isInteger(q.value) && Math.abs(q.value) >= 1024) {
    const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
    for (let k = suffixes.length - 1; k > 0; k--) {
      const unit = 1024 ** k;
      if (q.value % unit === 0) return `${q.value / unit}${suffixes[k]}`;
    }
    return String(q.value);
  }
  if (q.format === 'DecimalExponent') {
    if (!Number.isInteger(q.value)) return decimalForm(q.value);
    let exp = 0;
    let v = q.value;
    while (v !== 0 && v % 1000 === 0) {
      v /= 1000;
      exp += 3;
    }
    return exp === 0 ? String(v) : `${v}e${exp}`;
  }
  return decimalForm(q.value);
}
