import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBackend } from './backend.js';
import { mergeOpenApi, openApiDocument, prefixOpenApiPaths, type OpenApiObject } from './openapi.js';
import { expandPattern } from './pattern-expand.js';
import { genericNameRegex, matchAllRegex, optionalGenericNameRegex, optionalParamRegex } from './regex.js';
import { matchesSpecialPath } from './special-paths.js';
import type { PathDefinition } from './types.js';

const noop = async () => null;

describe('expandPattern', () => {
  const cases: Array<[string, string[] | null]> = [
    ['config', ['config']],
    ['^config$', ['config']],
    ['roles/?$', ['roles', 'roles/']],
    [`roles/${genericNameRegex('name')}`, ['roles/{name}']],
    [`data/${matchAllRegex('path')}`, ['data/{path}']],
    [`keys${optionalGenericNameRegex('name')}`, ['keys', 'keys/{name}']],
    [`tree${optionalParamRegex('rest')}`, ['tree', 'tree/{rest}']],
    ['(issue|sign)/(?<role>\\w+)', ['issue/{role}', 'sign/{role}']],
    ['cert/(?:ca|crl)(?:/pem)?', ['cert/ca', 'cert/ca/pem', 'cert/crl', 'cert/crl/pem']],
    ['login\\.json', ['login.json']],
    ['.*', null],
    ['keys/[a-z]+', null],
    ['a{2}', null],
    ['(?=x)y', null],
  ];
  for (const [pattern, want] of cases) {
    it(`${pattern} → ${JSON.stringify(want)}`, () => {
      assert.deepEqual(expandPattern(pattern)?.sort() ?? null, want);
    });
  }
});

describe('matchesSpecialPath', () => {
  it('handles exact paths, "*" prefixes and "+" segments', () => {
    assert.equal(matchesSpecialPath('login', ['login']), true);
    assert.equal(matchesSpecialPath('login/x', ['login']), false);
    assert.equal(matchesSpecialPath('login/{username}', ['login/*']), true);
    assert.equal(matchesSpecialPath('loginx', ['login*']), true);
    assert.equal(matchesSpecialPath('role/{role_name}/secret-id', ['role/+/secret-id']), true);
    assert.equal(matchesSpecialPath('role/a/b/secret-id', ['role/+/secret-id']), false);
    assert.equal(matchesSpecialPath('role/a/secret-id-x', ['role/+/secret-id*']), true);
    assert.equal(matchesSpecialPath('other', []), false);
  });
});

describe('openApiDocument', () => {
  const paths: PathDefinition[] = [
    {
      pattern: 'login/(?<username>.+)',
      fields: {
        username: { type: 'string', description: 'User name.' },
        password: { type: 'string', description: 'Password.', required: true, displayAttrs: { sensitive: true } },
      },
      operations: { update: { callback: noop, summary: 'Log in with a password.' } },
      helpSynopsis: 'Log in.',
    },
    {
      pattern: 'users/?$',
      operations: { list: noop },
      helpSynopsis: 'List users.',
    },
    {
      pattern: `users/${genericNameRegex('username')}`,
      fields: {
        username: { type: 'string', description: 'User name.' },
        token_ttl: { type: 'duration', default: '1h', description: 'TTL.' },
        token_policies: { type: 'comma-string-slice', description: 'Policies.' },
        mode: { type: 'string', allowedValues: ['a', 'b'], deprecated: true },
        version: { type: 'int', query: true, description: 'Version to read.' },
      },
      existenceCheck: async () => true,
      operations: {
        read: noop,
        create: noop,
        update: { callback: noop, summary: 'Write a user.', description: 'Creates or updates.' },
        patch: noop,
        delete: noop,
        'alias-lookahead': noop,
      },
      helpSynopsis: 'Manage users.',
      helpDescription: 'Users with passwords.',
      displayAttrs: { navigation: true, itemType: 'User' },
    },
    { pattern: 'hidden', operations: { read: { callback: noop, unpublished: true } } },
    { pattern: 'weird/.*', operations: { read: noop } },
    { pattern: 'admin', operations: { update: { callback: noop, deprecated: true } } },
  ];
  const doc = openApiDocument(paths, {
    mountPath: 'auth/userpass/',
    backendType: 'credential',
    specialPaths: { unauthenticated: ['login', 'login/*'], root: ['admin'] },
  });
  const item = (p: string) => doc.paths[p] as Record<string, OpenApiObject & Record<string, unknown>>;

  it('templates every representable path under the mount and skips unpublished or unrepresentable ones', () => {
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/auth/userpass/admin',
      '/auth/userpass/login/{username}',
      '/auth/userpass/users/',
      '/auth/userpass/users/{username}',
    ]);
  });

  it('documents path parameters, the body and flags', () => {
    const login = item('/auth/userpass/login/{username}');
    assert.equal(login['x-vault-unauthenticated'], true);
    assert.equal(login['x-vault-sudo'], undefined);
    assert.deepEqual(login['parameters'], [
      { name: 'username', description: 'User name.', in: 'path', schema: { type: 'string' }, required: true },
    ]);
    const post = login['post'] as Record<string, unknown>;
    assert.equal(post['summary'], 'Log in with a password.');
    assert.deepEqual(post['tags'], ['auth']);
    assert.deepEqual(post['requestBody'], {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              password: { type: 'string', description: 'Password.', 'x-vault-displayAttrs': { sensitive: true } },
            },
            required: ['password'],
          },
        },
      },
    });
    assert.equal(item('/auth/userpass/admin')['x-vault-sudo'], true);
    assert.equal((item('/auth/userpass/admin')['post'] as Record<string, unknown>)['deprecated'], true);
  });

  it('maps operations to methods, with field types, defaults, enums and query parameters', () => {
    const users = item('/auth/userpass/users/{username}');
    assert.deepEqual(Object.keys(users).filter((k) => ['get', 'post', 'patch', 'delete', 'put'].includes(k)).sort(), ['delete', 'get', 'patch', 'post']);
    assert.equal(users['x-vault-createSupported'], true);
    assert.deepEqual(users['x-vault-displayAttrs'], { navigation: true, itemType: 'User' });
    assert.equal(users['description'], 'Manage users.');
    const post = users['post'] as Record<string, any>;
    assert.equal(post['summary'], 'Write a user.');
    assert.equal(post['description'], 'Creates or updates.');
    const props = post['requestBody'].content['application/json'].schema.properties;
    assert.deepEqual(props.token_ttl, { type: 'integer', format: 'seconds', description: 'TTL.', default: 3600 });
    assert.deepEqual(props.token_policies, { type: 'array', items: { type: 'string' }, description: 'Policies.' });
    assert.deepEqual(props.mode, { type: 'string', enum: ['a', 'b'], deprecated: true });
    assert.equal(props.version, undefined, 'query fields are not body fields');
    assert.equal(post['requestBody'].required, false);
    assert.deepEqual(post['parameters'], [
      { name: 'version', description: 'Version to read.', in: 'query', schema: { type: 'integer' } },
    ]);
    const get = users['get'] as Record<string, any>;
    assert.equal(get['summary'], 'Manage users.');
    assert.equal(get['description'], 'Users with passwords.');
    assert.deepEqual(get['parameters'].map((p: { name: string }) => p.name), ['version']);
    assert.deepEqual(get['responses'], { '200': { description: 'OK' } });
    assert.ok((users['patch'] as Record<string, any>)['requestBody'].content['application/merge-patch+json']);
    assert.deepEqual((users['delete'] as Record<string, any>)['responses'], { '204': { description: 'empty body' } });
  });

  it('documents list on the trailing-slash path with the list parameter', () => {
    const list = item('/auth/userpass/users/')['get'] as Record<string, any>;
    assert.equal(list['summary'], 'List users.');
    assert.deepEqual(list['parameters'], [
      { name: 'list', description: 'Must be set to `true`', in: 'query', required: true, schema: { type: 'string', enum: ['true'] } },
    ]);
  });

  it('gives every operation a unique id', () => {
    const ids: string[] = [];
    for (const pathItem of Object.values(doc.paths)) {
      for (const m of ['get', 'post', 'patch', 'delete']) {
        const op = (pathItem as Record<string, any>)[m];
        if (op) ids.push(op.operationId);
      }
    }
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.includes('list-auth-userpass-users'));
    assert.ok(ids.includes('write-auth-userpass-login-username'));
  });

  it('puts read and list on different paths when a pattern has both', () => {
    const d = openApiDocument([{ pattern: `kv/${matchAllRegex('path')}`, operations: { read: noop, list: noop } }], {
      mountPath: '',
      backendType: 'logical',
    });
    assert.deepEqual(Object.keys(d.paths).sort(), ['/kv/{path}', '/kv/{path}/']);
    assert.ok((d.paths['/kv/{path}'] as Record<string, any>)['get']);
    assert.equal((d.paths['/kv/{path}'] as Record<string, any>)['get'].tags[0], 'secrets');
  });
});

describe('mergeOpenApi', () => {
  it('builds a whole document from relative paths prefixed per mount', () => {
    const kv = createBackend({ type: 'logical', help: '', paths: [{ pattern: 'data/(?<path>.+)', operations: { read: noop } }] });
    const a = openApiDocument(kv.paths, { mountPath: '', backendType: 'logical' });
    const doc = mergeOpenApi([prefixOpenApiPaths(a, 'secret/'), prefixOpenApiPaths(a, '/other')], { version: '1.2.3' });
    assert.equal(doc.openapi, '3.0.2');
    assert.equal(doc.info.version, '1.2.3');
    assert.equal(doc.info.license.name, 'Mozilla Public License 2.0');
    assert.match(doc.info.description, /\/v1\//);
    assert.deepEqual(doc.components, { schemas: {} });
    assert.deepEqual(Object.keys(doc.paths), ['/other/data/{path}', '/secret/data/{path}']);
  });
});
