import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACL } from './acl.js';
import { parsePolicy } from './parse.js';
import { rootPolicy } from './policy.js';

const acl = (text: string): ACL => new ACL([parsePolicy('p', text)]);

describe('ACL.hasMountAccess', () => {
  it('root reaches every mount', () => {
    assert.equal(new ACL([rootPolicy()]).hasMountAccess('anything/'), true);
  });

  it('a rule on the mount or anywhere below it gives access', () => {
    assert.equal(acl('path "secret/*" { capabilities = ["read"] }').hasMountAccess('secret/'), true);
    assert.equal(acl('path "secret/data/app/*" { capabilities = ["read"] }').hasMountAccess('secret/'), true);
    assert.equal(acl('path "secret/data/app" { capabilities = ["list"] }').hasMountAccess('secret/'), true);
    assert.equal(acl('path "sec*" { capabilities = ["read"] }').hasMountAccess('secret/'), true);
    assert.equal(acl('path "secret/+/app" { capabilities = ["read"] }').hasMountAccess('secret/'), true);
    assert.equal(acl('path "+/data/app" { capabilities = ["read"] }').hasMountAccess('secret/'), true);
  });

  it('rules elsewhere, or only denials, give none', () => {
    assert.equal(acl('path "other/*" { capabilities = ["read"] }').hasMountAccess('secret/'), false);
    assert.equal(acl('path "secret/data/app/*" { capabilities = ["deny"] }').hasMountAccess('secret/'), false);
    assert.equal(acl('path "secretive/*" { capabilities = ["read"] }').hasMountAccess('secret/'), false);
    assert.equal(acl('path "auth/+/x" { capabilities = ["read"] }').hasMountAccess('secret/'), false);
    assert.equal(acl('path "secret/*" { capabilities = ["deny"] }').hasMountAccess('secret/'), false);
  });
});
