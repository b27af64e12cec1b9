// Kubernetes storage quantities, restricted to what a request may say: a whole number of Mi, Gi or Ti, or a
// plain integer meaning Gi (as the original's `pvc_size`). BigInt keeps huge inputs exact instead of rounding.

const UNITS = ['Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const UNIT_BYTES: Record<string, bigint> = {
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

/** What a request may write for a size: `200Gi`, `512Mi`, `2Ti`, or `200` (= 200Gi). */
export const QUANTITY_PATTERN = '^[0-9]+(Mi|Gi|Ti)?$';
const QUANTITY_RE = /^([0-9]+)(Mi|Gi|Ti)?$/;

export interface Quantity {
  /** Exact size in bytes. */
  bytes: bigint;
  /** Kubernetes' canonical form: the largest binary unit that divides the size exactly (1024Mi -> 1Gi). */
  canonical: string;
}

/**
 * Parses a request size. Returns a message saying what would be valid when the input is not a size;
 * zero is parsed (callers decide that it is too small).
 */
export function parseQuantity(input: string | number): Quantity | { error: string } {
  const text = typeof input === 'number' ? String(input) : input.trim();
  if (typeof input === 'number' && (!Number.isSafeInteger(input) || input < 0)) {
    return { error: `${text} is not a size: use a whole number of Mi, Gi or Ti, e.g. 200Gi` };
  }
  const match = QUANTITY_RE.exec(text);
  if (!match) {
    return {
      error: `${JSON.stringify(text)} is not a size: use a whole number with the unit Mi, Gi or Ti (e.g. 200Gi), or a plain integer meaning Gi`,
    };
  }
  const digits = match[1] ?? '0';
  if (digits.length > 30) return { error: `${text.slice(0, 40)}… is far too large to be a size` };
  const bytes = BigInt(digits) * (UNIT_BYTES[match[2] ?? 'Gi'] ?? 0n);
  return { bytes, canonical: canonicalQuantity(bytes) };
}

/** Formats a byte count (a whole number of MiB) the way the API server canonicalises binary quantities. */
export function canonicalQuantity(bytes: bigint): string {
  if (bytes === 0n) return '0';
  let unit: string = 'Mi';
  let value = bytes / (UNIT_BYTES.Mi ?? 1n);
  for (const u of UNITS.slice(1)) {
    const size = UNIT_BYTES[u] ?? 1n;
    if (bytes % size !== 0n) break;
    unit = u;
    value = bytes / size;
  }
  return `${value}${unit}`;
}

export function isQuantityError(q: Quantity | { error: string }): q is { error: string } {
  return 'error' in q;
}
