import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeApiError, formatClusterFailure } from '../src/cluster-errors.ts';

const invalidPv = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message:
    'PersistentVolume "sales.warehouse.warehouse-dev.warehouse-store" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation',
  reason: 'Invalid',
  details: {
    name: 'sales.warehouse.warehouse-dev.warehouse-store',
    kind: 'PersistentVolume',
    causes: [
      {
        reason: 'FieldValueForbidden',
        message: 'Forbidden: spec.persistentvolumesource is immutable after creation',
        field: 'spec.persistentvolumesource',
      },
    ],
  },
  code: 422,
};

describe('describeApiError', () => {
  it('reads the Status out of a JSON string body (what client-node 2.x puts in ApiException.body)', () => {
    const e = new ApiException(422, 'Unsuccessful HTTP Request', JSON.stringify(invalidPv), {});
    const f = describeApiError(e);
    expect(f).toEqual({
      ok: false,
      status: 422,
      reason: 'Invalid',
      message: invalidPv.message,
      causes: [invalidPv.details.causes[0]],
    });
    expect(formatClusterFailure(f)).toBe(`422 Invalid: ${invalidPv.message}`);
  });

  it('reads a Status given as an object', () => {
    const body = {
      kind: 'Status',
      code: 409,
      reason: 'AlreadyExists',
      message: 'namespaces "a" already exists',
    };
    expect(describeApiError(new ApiException(409, 'x', body, {}))).toMatchObject({
      status: 409,
      reason: 'AlreadyExists',
      message: 'namespaces "a" already exists',
    });
  });

  it('names the reason from the code when there is no body (client-node drops 401 bodies)', () => {
    const f = describeApiError(new ApiException(401, 'Unauthorized', undefined, {}));
    expect(f).toMatchObject({ status: 401, reason: 'Unauthorized' });
    expect(f.message).toBe('HTTP 401 Unauthorized with no Status message');
  });

  it('keeps the first line of a non-JSON body (a proxy error page), never [object Object]', () => {
    const html =
      '<html><head><title>502 Bad Gateway</title></head>\n<body>upstream unavailable</body></html>';
    const f = describeApiError(new ApiException(502, 'x', html, {}));
    expect(f).toMatchObject({ status: 502, reason: 'Unknown', message: '502 Bad Gateway' });
    const odd = describeApiError(new ApiException(500, 'x', { unexpected: { nested: true } }, {}));
    expect(odd.message).not.toContain('[object Object]');
    expect(odd.reason).toBe('InternalError');
  });

  it('carries Retry-After (header or Status details)', () => {
    const header = new ApiException(429, 'x', '{"kind":"Status","code":429}', { 'retry-after': '7' });
    expect(describeApiError(header).retryAfterSeconds).toBe(7);
    const details = JSON.stringify({
      kind: 'Status',
      code: 500,
      reason: 'ServerTimeout',
      details: { retryAfterSeconds: 2 },
    });
    expect(describeApiError(new ApiException(500, 'x', details, {}))).toMatchObject({
      reason: 'ServerTimeout',
      retryAfterSeconds: 2,
    });
  });

  it('describes a watch failure (plain Error with statusCode)', () => {
    const e = Object.assign(new Error('Gone'), { statusCode: 410 });
    expect(describeApiError(e)).toMatchObject({ status: 410, reason: 'Expired' });
  });

  it('describes transport errors from undici with the socket error and its code', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }),
    });
    expect(describeApiError(refused)).toEqual({
      ok: false,
      status: 0,
      reason: 'ConnectionFailed',
      message: 'connect ECONNREFUSED 127.0.0.1:6443',
    });
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(describeApiError(reset)).toMatchObject({
      reason: 'ConnectionLost',
      message: 'other side closed (UND_ERR_SOCKET)',
    });
    expect(describeApiError(new DOMException('timeout', 'TimeoutError'))).toMatchObject({
      reason: 'Timeout',
    });
    expect(describeApiError('weird')).toMatchObject({ reason: 'ClientError', message: 'weird' });
    expect(describeApiError(new Error('boom'))).toMatchObject({ reason: 'ClientError', message: 'boom' });
  });

  it('counts attempts in the formatted line', () => {
    expect(
      formatClusterFailure({ ok: false, status: 0, reason: 'Timeout', message: 'no answer', attempts: 3 }),
    ).toBe('Timeout: no answer (after 3 attempts)');
  });
});
