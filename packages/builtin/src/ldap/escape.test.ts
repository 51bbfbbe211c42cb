import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonNameOf, parseDn } from './dn.js';
import { escapeDnValue, escapeFilterValue } from './escape.js';
import { renderFilterTemplate } from './filter-template.js';

describe('ldap escaping', () => {
  it('escapes filter values as RFC 4515 says, so a name cannot change the filter', () => {
    assert.equal(escapeFilterValue('alice'), 'alice');
    assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('a\\b\0c'), 'a\\5cb\\00c');
    assert.equal(escapeFilterValue('é'), '\\c3\\a9');
    assert.equal(renderFilterTemplate('({{.UserAttr}}={{ .Username }})', { UserAttr: 'uid', Username: escapeFilterValue('x)(cn=*') }), '(uid=x\\29\\28cn=\\2a)');
  });

  it('escapes DN values as RFC 4514 says', () => {
    assert.equal(escapeDnValue('alice'), 'alice');
    assert.equal(escapeDnValue('Smith, John'), 'Smith\\, John');
    assert.equal(escapeDnValue('a+b=c;d<e>f"g\\h'), 'a\\+b\\=c\\;d\\<e\\>f\\"g\\\\h');
    assert.equal(escapeDnValue('#lead and trail '), '\\#lead and trail\\ ');
    assert.equal(escapeDnValue(' x'), '\\ x');
    assert.equal(escapeDnValue('nul\0'), 'nul\\00');
  });

  it('reads DNs back, and names groups by their first cn', () => {
    assert.deepEqual(parseDn('cn=Smith\\, John+uid=js,ou=people,dc=example,dc=org'), [
      { type: 'cn', value: 'Smith, John' },
      { type: 'uid', value: 'js' },
      { type: 'ou', value: 'people' },
      { type: 'dc', value: 'example' },
      { type: 'dc', value: 'org' },
    ]);
    assert.deepEqual(parseDn('CN=caf\\C3\\A9 , OU=x'), [
      { type: 'CN', value: 'café' },
      { type: 'OU', value: 'x' },
    ]);
    assert.equal(commonNameOf('CN=Devs,OU=Groups,DC=example,DC=org'), 'Devs');
    assert.equal(commonNameOf('ou=noname,dc=example'), 'ou=noname,dc=example');
    assert.equal(commonNameOf('plain-group'), 'plain-group');
  });
});
