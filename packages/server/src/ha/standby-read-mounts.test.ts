import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newMountEntry } from '../mounts/mount-entry.js';
import { standbyServesReadsOf } from './standby-read-mounts.js';

test('a performance standby reads storage-only built-in mounts itself, and nothing with side effects elsewhere', () => {
  const secret = (type: string, plugin_version = '') => newMountEntry('mounts', 'm/', type, { plugin_version });
  assert.equal(standbyServesReadsOf(secret('kv')), true);
  assert.equal(standbyServesReadsOf(secret('generic')), true, 'aliases count as their engine');
  assert.equal(standbyServesReadsOf(secret('transit')), true);
  assert.equal(standbyServesReadsOf(secret('system')), true);
  // Reading creds creates an account in the database before the lease is written.
  assert.equal(standbyServesReadsOf(secret('database')), false);
  assert.equal(standbyServesReadsOf(secret('rabbitmq')), false);
  assert.equal(standbyServesReadsOf(secret('kv', 'v1.2.0')), false, 'an external plugin, whatever its name');
  assert.equal(standbyServesReadsOf(newMountEntry('auth', 'token/', 'token')), true);
  assert.equal(standbyServesReadsOf(newMountEntry('auth', 'userpass/', 'userpass')), true);
  assert.equal(standbyServesReadsOf(newMountEntry('auth', 'mine/', 'my-plugin')), false);
  assert.equal(standbyServesReadsOf(undefined), false);
});
