/** HTTP plumbing shared by the emulator's routes: GitHub-shaped errors and Link-header pagination. */

export const DOCS = 'https://docs.github.com/rest';

/** An error answered with GitHub's JSON error shape: `{ message, documentation_url, status, errors? }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly documentationUrl: string;
  readonly errors: unknown[] | undefined;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    message: string,
    options: { documentationUrl?: string; errors?: unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.documentationUrl = options.documentationUrl ?? DOCS;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message, documentation_url: this.documentationUrl };
    if (this.errors) body.errors = this.errors;
    body.status = String(this.status);
    return body;
  }
}

export const notFound = (docs?: string) =>
  new ApiError(404, 'Not Found', docs === undefined ? {} : { documentationUrl: docs });

/** 422 "Validation Failed" with one field error, as GitHub reports bad request bodies. */
export function validationFailed(resource: string, field: string, code: string, message?: string): ApiError {
  const error: Record<string, string> = { resource, code, field };
  if (message) error.message = message;
  return new ApiError(422, 'Validation Failed', { errors: [error] });
}

export interface Page<T> {
  items: T[];
  /** The value of the Link header, or undefined when everything fits on one page. */
  link: string | undefined;
}

/**
 * GitHub's pagination: `per_page` (default `defaultPerPage`, at most `maxPerPage`) and `page` (1-based);
 * a Link header with rel="next"/"last" (and "prev"/"first" after page 1) built from the request URL.
 */
export function paginate<T>(
  all: readonly T[],
  url: URL,
  options: { defaultPerPage?: number; maxPerPage?: number } = {},
): Page<T> {
  const perPage = clampInt(
    url.searchParams.get('per_page'),
    options.defaultPerPage ?? 30,
    1,
    options.maxPerPage ?? 100,
  );
  const page = clampInt(url.searchParams.get('page'), 1, 1, Number.MAX_SAFE_INTEGER);
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const pageUrl = (n: number) => {
    const u = new URL(url);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return u.toString();
  };
  const links: string[] = [];
  if (page > 1) {
    links.push(`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
  }
  if (page < lastPage) {
    links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`);
  }
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
  return { items, link: links.length > 0 ? links.join(', ') : undefined };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(Math.max(n, min), max);
}
