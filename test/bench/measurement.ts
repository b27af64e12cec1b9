// A bench measurement: a name, what it measures, and the figures it produces. Budgets (DESIGN §8) are checked
// and reported here, never in unit tests.
export interface Figure {
  /** e.g. 'cpu', 'wall', 'files'. */
  name: string;
  value: number;
  unit: 'ms' | 's' | 'count' | 'MiB' | 'ratio';
}

export interface Budget {
  /** The figure the budget applies to. */
  figure: string;
  /** Must stay below this (same unit as the figure). */
  max?: number;
  /** Must be at least this (same unit as the figure). */
  min?: number;
  text: string;
}

export interface MeasurementResult {
  figures: Figure[];
  /** Anything worth printing under the table. */
  notes?: string[];
}

export interface Measurement {
  name: string;
  description: string;
  budgets?: Budget[];
  run(): Promise<MeasurementResult>;
}
