import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACL } from './acl.js';
import { parsePolicy, pathShape } from './parse.js';
import { resolvePolicies, resolveTemplatedPath, templateSyntaxError, type IdentityTemplateContext } from './templating.js';

const ctx: IdentityTemplateContext = {
  entity: {
    id: 'e-1',
    name: 'alice',
    metadata: { team: 'blue', 'dotted.key': 'd', wild: 'a*' },
    aliases: { auth_userpass_1: { id: 'al-1', name: 'alice', metadata: { org: 'x' }, customMetadata: { c: 'y' } } },
  },
  groups: [
    { id: 'g-1', name: 'ops.team', metadata: { tier: '1' } },
    { id: 'g-2', name: 'devs', metadata: {} },
  ],
};

describe('templated policy paths', () => {
  it('resolve every documented parameter', () => {
    const cases: Array<[string, string]> = [
      ['k/{{identity.entity.id}}', 'k/e-1'],
      ['k/{{ identity.entity.name }}/*', 'k/alice/*'],
      ['k/{{identity.entity.metadata.team}}', 'k/blue'],
      ['k/{{identity.entity.metadata.dotted.key}}', 'k/d'],
      ['k/{{identity.entity.aliases.auth_userpass_1.name}}', 'k/alice'],
      ['k/{{identity.entity.aliases.auth_userpass_1.id}}', 'k/al-1'],
      ['k/{{identity.entity.aliases.auth_userpass_1.metadata.org}}', 'k/x'],
      ['k/{{identity.entity.aliases.auth_userpass_1.custom_metadata.c}}', 'k/y'],
      ['k/{{identity.groups.ids.g-1.name}}', 'k/ops.team'],
      ['k/{{identity.groups.names.ops.team.id}}', 'k/g-1'],
      ['k/{{identity.groups.names.ops.team.metadata.tier}}', 'k/1'],
      ['k/{{identity.entity.name}}/{{identity.groups.names.devs.id}}', 'k/alice/g-2'],
    ];
    for (const [path, want] of cases) assert.equal(resolveTemplatedPath(path, ctx), want, path);
  });

  it('leave a path unresolved (null) rather than widen it', () => {
    for (const path of [
      'k/{{identity.entity.metadata.missing}}',
      'k/{{identity.entity.aliases.auth_other.name}}',
      'k/{{identity.groups.ids.g-9.name}}',
      'k/{{identity.groups.names.nobody.id}}',
      'k/{{identity.entity.metadata.wild}}',
      'k/{{identity.entity.unknown}}',
      'k/{{identity.entity.metadata.__proto__}}',
    ]) {
      assert.equal(resolveTemplatedPath(path, ctx), null, path);
    }
    assert.equal(resolveTemplatedPath('k/{{identity.entity.id}}', undefined), null);
  });

  it('are checked for syntax when a policy is written', () => {
    assert.equal(templateSyntaxError('k/{{identity.entity.id}}'), null);
    assert.match(templateSyntaxError('k/{{identity.entity.id}')!, /unbalanced/);
    assert.match(templateSyntaxError('k/{{other.thing}}')!, /identity\./);
    assert.throws(() => parsePolicy('p', 'path "k/{{identity.entity.id" { capabilities = ["read"] }'), /unbalanced/);
  });

  it('grant nothing until resolved, then exactly the resolved path', () => {
    const policy = parsePolicy('p', 'path "secret/data/{{identity.entity.name}}/*" { capabilities = ["read"] }\npath "plain/*" { capabilities = ["read"] }');
    assert.equal(policy.paths[0]!.template, 'secret/data/{{identity.entity.name}}/*');
    const unresolved = new ACL([policy]);
    assert.equal(unresolved.allowOperation({ path: 'secret/data/{{identity.entity.name}}/x', operation: 'read' }).allowed, false);
    assert.equal(unresolved.allowOperation({ path: 'plain/x', operation: 'read' }).allowed, true);
    const resolved = new ACL(resolvePolicies([policy], ctx, pathShape));
    assert.equal(resolved.allowOperation({ path: 'secret/data/alice/x', operation: 'read' }).allowed, true);
    assert.equal(resolved.allowOperation({ path: 'secret/data/bob/x', operation: 'read' }).allowed, false);
    assert.equal(resolved.allowOperation({ path: 'plain/x', operation: 'read' }).allowed, true);
  });
});
