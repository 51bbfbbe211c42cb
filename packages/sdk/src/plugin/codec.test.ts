import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CofferError } from '../errors.js';
import type { Auth } from '../logical/auth.js';
import { makeRequest, type Request } from '../logical/request.js';
import type { Response } from '../logical/response.js';
import { InmemStorage } from '../storage/inmem.js';
import { deleteUserFromWire, deleteUserToWire, newUserFromWire, newUserToWire, updateUserFromWire, updateUserToWire } from './database-codec.js';
import { errorFromWire, errorToWire } from './error-codec.js';
import { loadPluginProtocol } from './proto.js';
import { requestFromWire, requestToWire } from './request-codec.js';
import { responseFromWire, responseToWire } from './response-codec.js';
import type { WireRequest, WireResponse } from './wire-types.js';

/** Sends a message through real protobuf encoding, as it crosses the wire. */
function overTheWire<T>(service: 'Backend' | 'Database', method: string, kind: 'request' | 'response', message: unknown): T {
  const def = loadPluginProtocol()[service].service[method]!;
  if (kind === 'request') return def.requestDeserialize(def.requestSerialize(message)) as T;
  return def.responseDeserialize(def.responseSerialize(message)) as T;
}

describe('request codec', () => {
  it('round-trips every field of a request through protobuf', () => {
    const storage = new InmemStorage();
    const auth: Auth = {
      ttl: 60,
      maxTtl: 120,
      renewable: true,
      policies: ['default'],
      tokenPolicies: ['default'],
      metadata: { role: 'r' },
      displayName: 'approle-r',
      internalData: { role_id: 'x' },
      period: 30,
      explicitMaxTtl: 600,
      numUses: 2,
      boundCidrs: ['10.0.0.0/8'],
      tokenType: 'service',
      noDefaultPolicy: true,
      alias: { name: 'r', metadata: { a: 'b' } },
      entityId: 'ent',
      orphan: true,
      clientToken: 'hvs.x',
      accessor: 'acc',
      issueTime: '2024-01-01T00:00:00Z',
      increment: 10,
    };
    const req: Request = makeRequest({
      id: 'req-1',
      operation: 'renew',
      path: 'creds/x',
      storage,
      data: { a: 1, b: ['x', { c: null }], d: 'e' },
      mountPoint: 'auth/approle/',
      mountType: 'approle',
      mountAccessor: 'auth_approle_1',
      clientToken: 'tok',
      clientTokenAccessor: 'tokacc',
      clientTokenRemainingUses: 4,
      displayName: 'name',
      entityId: 'eid',
      policies: ['p1', 'p2'],
      connection: { remoteAddress: '::1', remotePort: 8200, peerCertificates: ['PEM'] },
      headers: { 'x-a': ['1', '2'] },
      secret: { ttl: 5, maxTtl: 10, renewable: true, internalData: { secret_type: 't', n: 1 }, leaseId: 'l/1' },
      auth,
      wrapInfo: { ttl: 30, format: 'jwt' },
      unauthenticated: true,
    });
    const wire = overTheWire<{ request: WireRequest }>('Backend', 'HandleRequest', 'request', { backend_id: 'b', request: requestToWire(req) });
    const back = requestFromWire(wire.request, storage);
    assert.deepEqual(back, req);
    assert.equal(back.storage, storage);
  });

  it('a minimal request stays minimal', () => {
    const storage = new InmemStorage();
    const req = makeRequest({ id: 'r', operation: 'read', path: 'x', storage });
    const wire = overTheWire<{ request: WireRequest }>('Backend', 'HandleRequest', 'request', { request: requestToWire(req) });
    assert.deepEqual(requestFromWire(wire.request, storage), req);
  });
});

describe('response codec', () => {
  it('round-trips data, lease, auth, warnings, wrap info, status and headers', () => {
    const res: Response = {
      data: { keys: ['a', 'b'], nested: { n: 1.5, t: true } },
      secret: { ttl: 1, maxTtl: 2, renewable: false, internalData: { secret_type: 's' } },
      auth: { ttl: 0, maxTtl: 0, renewable: true, policies: ['p'], metadata: {}, displayName: 'd' },
      warnings: ['w1'],
      wrapInfo: { token: 't', accessor: 'a', ttl: 5, creation_time: 'now', creation_path: 'p', wrapped_accessor: 'wa', format: 'jwt' },
      statusCode: 429,
      headers: { 'x-h': 'v' },
    };
    const wire = overTheWire<{ response: WireResponse }>('Backend', 'HandleRequest', 'response', { response: responseToWire(res) });
    assert.deepEqual(responseFromWire(wire.response), res);
  });

  it('an empty response has no data, a binary raw body stays bytes, a string one stays a string', () => {
    const empty = overTheWire<{ response: WireResponse }>('Backend', 'HandleRequest', 'response', { response: responseToWire({}) });
    assert.deepEqual(responseFromWire(empty.response), {});

    const binary = { data: { http_status_code: 200, http_raw_body: Buffer.from([1, 2, 3]) } };
    const wire = overTheWire<{ response: WireResponse }>('Backend', 'HandleRequest', 'response', { response: responseToWire(binary) });
    assert.deepEqual(responseFromWire(wire.response), binary);

    const text = { data: { http_raw_body: 'plain text' } };
    const wire2 = overTheWire<{ response: WireResponse }>('Backend', 'HandleRequest', 'response', { response: responseToWire(text) });
    assert.deepEqual(responseFromWire(wire2.response), text);
  });

  it('refuses data that is not a JSON object', () => {
    assert.throws(() => responseFromWire({ ...responseToWire({}), data: '[1,2]' }), /not a JSON object/);
    assert.throws(() => responseFromWire({ ...responseToWire({}), data: '{oops' }), /not valid JSON/);
  });
});

describe('error codec', () => {
  it('keeps code, status, message and the errors list', () => {
    const original = new CofferError('invalid_request', 'bad input', { errors: ['one', 'two'] });
    const back = errorFromWire(errorToWire(original));
    assert.equal(back.code, 'invalid_request');
    assert.equal(back.status, 400);
    assert.equal(back.message, 'bad input');
    assert.deepEqual(back.errors, ['one', 'two']);
  });

  it('keeps the empty errors list of a not_found', () => {
    const back = errorFromWire(errorToWire(new CofferError('not_found', '')));
    assert.equal(back.status, 404);
    assert.deepEqual(back.errors, []);
  });

  it('plain errors and unknown codes become internal', () => {
    assert.equal(errorFromWire(errorToWire(new Error('boom'))).code, 'internal');
    assert.equal(errorFromWire(errorToWire(new Error('boom'))).message, 'boom');
    const unknown = errorFromWire({ code: 'teapot', message: 'short and stout', errors: [] });
    assert.equal(unknown.code, 'internal');
    assert.deepEqual(unknown.errors, ['short and stout']);
  });
});

describe('database codec', () => {
  it('round-trips user requests through protobuf', () => {
    const newUser = {
      usernameConfig: { displayName: 'd', roleName: 'r' },
      password: 'pw',
      expiration: new Date('2030-01-01T00:00:00.000Z'),
      statements: { commands: ['a', 'b'] },
      rollbackStatements: { commands: ['c'] },
    };
    assert.deepEqual(newUserFromWire(overTheWire('Database', 'NewUser', 'request', newUserToWire('i', newUser))), newUser);
    const noExpiry = { ...newUser, expiration: undefined };
    delete noExpiry.expiration;
    assert.deepEqual(newUserFromWire(overTheWire('Database', 'NewUser', 'request', newUserToWire('i', noExpiry))), noExpiry);

    const update = {
      username: 'u',
      password: { newPassword: 'n', statements: { commands: ['x'] } },
      expiration: { newExpiration: new Date('2031-01-01T00:00:00.000Z'), statements: { commands: [] } },
    };
    assert.deepEqual(updateUserFromWire(overTheWire('Database', 'UpdateUser', 'request', updateUserToWire('i', update))), update);
    assert.deepEqual(updateUserFromWire(overTheWire('Database', 'UpdateUser', 'request', updateUserToWire('i', { username: 'u' }))), {
      username: 'u',
    });

    const del = { username: 'u', statements: { commands: ['drop'] } };
    assert.deepEqual(deleteUserFromWire(overTheWire('Database', 'DeleteUser', 'request', deleteUserToWire('i', del))), del);
  });
});
