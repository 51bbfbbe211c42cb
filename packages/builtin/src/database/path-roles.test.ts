import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '@coffer/sdk';
import { setupDatabase } from './testdata/setup.js';

const invalid = (text: RegExp) => (err: unknown) => isCofferError(err) && err.status === 400 && text.test(err.message);

describe('database roles/:name', () => {
  it('creates, reads, updates, lists and deletes roles', async () => {
    const { t } = await setupDatabase();
    await t.write('roles/ro', { db_name: 'pg', creation_statements: ['CREATE ROLE "{{name}}";', 'GRANT SELECT ON t TO "{{name}}";'], default_ttl: '1h', max_ttl: 86400 });
    assert.deepEqual((await t.read('roles/ro'))?.data, {
      db_name: 'pg',
      creation_statements: ['CREATE ROLE "{{name}}";', 'GRANT SELECT ON t TO "{{name}}";'],
      revocation_statements: [],
      rollback_statements: [],
      renew_statements: [],
      default_ttl: 3600,
      max_ttl: 86400,
      credential_type: 'password',
    });
    // A string is one statement; an update changes only what it sends.
    await t.write('roles/ro', { revocation_statements: 'DROP ROLE "{{name}}";' });
    const read = await t.read('roles/ro');
    assert.deepEqual(read?.data?.['revocation_statements'], ['DROP ROLE "{{name}}";']);
    assert.equal(read?.data?.['default_ttl'], 3600);
    assert.equal((read?.data?.['creation_statements'] as string[]).length, 2);

    await t.write('roles/rw', { db_name: 'pg', creation_statements: 'CREATE ROLE "{{name}}";' });
    assert.deepEqual((await t.list('roles/'))?.data, { keys: ['ro', 'rw'] });
    await t.delete('roles/ro');
    assert.equal(await t.read('roles/ro'), null);
    assert.deepEqual((await t.list('roles/'))?.data, { keys: ['rw'] });
  });

  it('validates roles as Vault does', async () => {
    const { t } = await setupDatabase();
    await assert.rejects(t.write('roles/x', { creation_statements: 'CREATE ROLE x;' }), invalid(/database name is required/));
    await assert.rejects(t.write('roles/x', { db_name: 'pg' }), invalid(/empty creation statements/));
    await assert.rejects(t.write('roles/x', { db_name: 'pg', creation_statements: '  ' }), invalid(/empty creation statements/));
    await assert.rejects(t.write('roles/x', { db_name: 'pg', creation_statements: 'x', default_ttl: '2h', max_ttl: '1h' }), invalid(/default_ttl cannot be greater than max_ttl/));
    await assert.rejects(t.write('roles/x', { db_name: 'pg', creation_statements: 'x', credential_type: 'rsa_private_key' }), (err: unknown) => isCofferError(err) && err.status === 400);
    assert.equal(await t.read('roles/x'), null);
  });
});
