// Kubernetes `Status` bodies with the reasons, codes and messages the API server uses
// (k8s.io/apimachinery/pkg/api/errors). An ApiError carries one to the HTTP layer.

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
  type?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  readonly status: Status;
  readonly headers: Record<string, string>;
  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message);
    this.name = 'ApiError';
    this.status = status;
    this.headers = headers;
  }
}

export function statusBody(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details !== undefined) status.details = details;
  return status;
}

export function notFound(resource: string, name: string): ApiError {
  return new ApiError(
    statusBody(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }),
  );
}

export function alreadyExists(resource: string, name: string): ApiError {
  return new ApiError(
    statusBody(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource }),
  );
}

export function conflict(resource: string, name: string, why: string): ApiError {
  return new ApiError(
    statusBody(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, {
      name,
      kind: resource,
    }),
  );
}

export const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

export function forbidden(resource: string, name: string, why: string): ApiError {
  const subject = name === '' ? resource : `${resource} "${name}"`;
  return new ApiError(
    statusBody(403, 'Forbidden', `${subject} is forbidden: ${why}`, { name, kind: resource }),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(statusBody(400, 'BadRequest', message));
}

export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): ApiError {
  return new ApiError(statusBody(405, 'MethodNotAllowed', message, {}));
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    statusBody(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${contentType}`,
      {},
    ),
  );
}

export function unauthorized(): ApiError {
  return new ApiError(statusBody(401, 'Unauthorized', 'Unauthorized'));
}

export function gone(message: string): ApiError {
  return new ApiError(statusBody(410, 'Expired', message));
}

export function serverError(code: 500 | 503, message: string): ApiError {
  return code === 500
    ? new ApiError(
        statusBody(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
      )
    : new ApiError(statusBody(503, 'ServiceUnavailable', message));
}

export function tooManyRequests(retryAfterSeconds: number): ApiError {
  return new ApiError(
    statusBody(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }),
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

/** One validation error, formatted like k8s.io/apimachinery/pkg/util/validation/field.Error. */
export interface FieldError {
  type:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueTooLong';
  field: string;
  /** The error text after the type prefix, e.g. `"X": a lowercase RFC 1123 ...` for Invalid. */
  detail: string;
  value?: unknown;
}

const typeText: Record<FieldError['type'], string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
};

function goValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The error's body without the field: `Invalid value: "X": detail`. */
export function fieldErrorBody(error: FieldError): string {
  const kind = typeText[error.type];
  if (
    error.type === 'FieldValueInvalid' ||
    error.type === 'FieldValueNotSupported' ||
    error.type === 'FieldValueDuplicate'
  ) {
    const value = goValue(error.value);
    return error.detail === '' ? `${kind}: ${value}` : `${kind}: ${value}: ${error.detail}`;
  }
  return error.detail === '' ? kind : `${kind}: ${error.detail}`;
}

export function invalid(kind: string, name: string, errors: FieldError[], group = ''): ApiError {
  const texts = errors.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const aggregate = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const qualified = group === '' ? kind : `${kind}.${group}`;
  const details: StatusDetails = {
    name,
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  };
  if (group !== '') details.group = group;
  return new ApiError(statusBody(422, 'Invalid', `${qualified} "${name}" is invalid: ${aggregate}`, details));
}
