// External groups over HTTP: a login whose auth reports group aliases (as
// ldap and jwt do) makes the entity a member of the external groups bound
// to those names on that mount, refreshed at every login. Userpass reports
// no groups, so a stage of this test's own adds what an LDAP server would
// report to userpass logins, right after the backend answered.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreModule } from '@coffer/server/core/modules/module.js';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

describe('external group memberships from logins', () => {
  let s: InProcessServer;
  let accessor: string;
  const reported: Record<string, string[]> = {};
  const groupReporter: CoreModule = {
    name: 'test-group-reporter',
    build: () => ({
      stages: [
        {
          name: 'test-group-reporter',
          after: 'dispatch',
          stage: async (ctx, next) => {
            const auth = ctx.response?.auth;
            const user = /^auth\/userpass\/login\/(.+)$/.exec(ctx.incoming.path)?.[1];
            if (auth && user) auth.groupAliases = (reported[user] ?? []).map((name) => ({ name }));
            await next();
          },
        },
      ],
    }),
  };

  const ok = async (method: string, path: string, body?: unknown, status = 200, token?: string | null) => {
    const res = await s.request(method, path, body, token === undefined ? {} : { token });
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  before(async () => {
    s = await startInProcessServer({ modules: [groupReporter] });
    await ok('POST', 'sys/auth/userpass', { type: 'userpass' }, 204);
    accessor = (await ok('GET', 'sys/auth')).data['userpass/'].accessor;
    await ok('POST', 'auth/userpass/users/gil', { password: 'gil-pw', token_policies: 'default' }, 204);
    await ok('PUT', 'sys/policies/acl/eng-read', { policy: 'path "secret/data/eng/*" { capabilities = ["read"] }' }, 204);
    await ok('POST', 'secret/data/eng/doc', { data: { a: 1 } });
  });
  after(async () => {
    await s.close();
  });

  it('joins and leaves external groups as the reported groups change', async () => {
    const eng = (await ok('POST', 'identity/group', { name: 'eng', type: 'external', policies: ['eng-read'] })).data.id;
    await ok('POST', 'identity/group-alias', { name: 'cn=eng', mount_accessor: accessor, canonical_id: eng });
    const ops = (await ok('POST', 'identity/group', { name: 'ops', type: 'external' })).data.id;
    await ok('POST', 'identity/group-alias', { name: 'cn=ops', mount_accessor: accessor, canonical_id: ops });

    reported['gil'] = ['cn=eng', 'cn=unknown'];
    const first = (await ok('POST', 'auth/userpass/login/gil', { password: 'gil-pw' }, 200, null)).auth;
    assert.deepEqual(first.identity_policies, ['eng-read']);
    assert.deepEqual((await ok('GET', `identity/group/id/${eng}`)).data.member_entity_ids, [first.entity_id]);
    assert.deepEqual((await ok('GET', `identity/entity/id/${first.entity_id}`)).data.direct_group_ids, [eng]);
    assert.equal((await s.request('GET', 'secret/data/eng/doc', undefined, { token: first.client_token })).status, 200);

    // The next login reports other groups: membership follows, and the earlier token loses the access.
    reported['gil'] = ['cn=ops'];
    const second = (await ok('POST', 'auth/userpass/login/gil', { password: 'gil-pw' }, 200, null)).auth;
    assert.equal(second.entity_id, first.entity_id);
    assert.equal(second.identity_policies, undefined);
    assert.deepEqual((await ok('GET', `identity/group/id/${eng}`)).data.member_entity_ids, []);
    assert.deepEqual((await ok('GET', `identity/group/id/${ops}`)).data.member_entity_ids, [first.entity_id]);
    assert.equal((await s.request('GET', 'secret/data/eng/doc', undefined, { token: first.client_token })).status, 403);

    // External groups refuse members set by hand.
    assert.equal((await s.request('POST', `identity/group/id/${eng}`, { member_entity_ids: [first.entity_id] })).status, 400);
  });

  it('audit entries show identity_policies for the login and for requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-identity-audit-'));
    try {
      const file = join(dir, 'audit.log');
      await ok('PUT', 'sys/audit/file', { type: 'file', options: { file_path: file } }, 204);
      reported['gil'] = ['cn=eng'];
      const auth = (await ok('POST', 'auth/userpass/login/gil', { password: 'gil-pw' }, 200, null)).auth;
      await ok('GET', 'secret/data/eng/doc', undefined, 200, auth.client_token);
      await ok('DELETE', 'sys/audit/file', undefined, 204);
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const login = lines.find((l) => l.type === 'response' && l.request.path === 'auth/userpass/login/gil');
      assert.deepEqual(login.response.auth.identity_policies, ['eng-read']);
      assert.deepEqual(login.response.auth.policies, ['default', 'eng-read']);
      const read = lines.find((l) => l.type === 'request' && l.request.path === 'secret/data/eng/doc');
      assert.deepEqual(read.auth.identity_policies, ['eng-read']);
      assert.deepEqual(read.auth.token_policies, ['default']);
      assert.equal(read.auth.entity_id, auth.entity_id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a failed login creates no entity', async () => {
    const before = (await s.request('LIST', 'identity/entity/id')).body?.data?.keys ?? [];
    assert.equal((await s.request('POST', 'auth/userpass/login/gil', { password: 'wrong' }, { token: null })).status, 400);
    assert.equal((await s.request('POST', 'auth/userpass/login/nobody', { password: 'x' }, { token: null })).status, 400);
    const afterKeys = (await s.request('LIST', 'identity/entity/id')).body?.data?.keys ?? [];
    assert.deepEqual(afterKeys, before);
  });
});
