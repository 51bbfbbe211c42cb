// The RabbitMQ secrets engine against the RabbitMQ on this machine
// (management API on 127.0.0.1:15672, AMQP on 5672, guest/guest): an issued
// user logs in over AMQP, and is refused (its open connection closed) once
// the lease is revoked or expires.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { freePort } from '../support/coffer-process.js';
import { eventually, probeService } from '../support/service.js';

const API = 'http://127.0.0.1:15672';
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;

async function userExists(name: string): Promise<boolean> {
  const res = await fetch(`${API}/api/users/${encodeURIComponent(name)}`, { headers: { authorization: AUTH } });
  await res.text();
  return res.status === 200;
}

async function amqpLogin(user: string, password: string): Promise<amqp.ChannelModel> {
  const conn = await amqp.connect({ hostname: '127.0.0.1', port: 5672, username: user, password, vhost: '/' });
  conn.on('error', () => undefined);
  return conn;
}

const rabbit = await probeService('RabbitMQ (management API on 127.0.0.1:15672, guest/guest; enable rabbitmq_management)', async () => {
  const res = await fetch(`${API}/api/overview`, { headers: { authorization: AUTH }, signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  await res.text();
  (await amqpLogin('guest', 'guest')).close();
});

describe('rabbitmq secrets engine against RabbitMQ', { skip: rabbit.skip }, () => {
  let s: InProcessServer;
  const issued: string[] = [];

  before(async () => {
    rabbit.failUnderCi();
    s = await startInProcessServer();
    assert.equal((await s.request('POST', 'sys/mounts/rabbitmq', { type: 'rabbitmq' })).status, 204);
    const res = await s.request('POST', 'rabbitmq/config/connection', { connection_uri: API, username: 'guest', password: 'guest' });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.equal((await s.request('POST', 'rabbitmq/roles/app', { tags: 'management', vhosts: '{"/": {"configure": ".*", "write": ".*", "read": ".*"}}', vhost_topics: '{"/": {"amq.topic": {"write": ".*", "read": ".*"}}}' })).status, 204);
  });

  after(async () => {
    for (const user of issued) await fetch(`${API}/api/users/${encodeURIComponent(user)}`, { method: 'DELETE', headers: { authorization: AUTH } }).catch(() => undefined);
    await s?.close();
  });

  it('issues a user that logs in over AMQP; revocation deletes it and closes its connection', async () => {
    const creds = await s.request('GET', 'rabbitmq/creds/app');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    const { username, password } = creds.body.data;
    issued.push(username);
    assert.match(username, /^root-[0-9a-f-]{36}$/);
    const role = await s.request('GET', 'rabbitmq/roles/app');
    assert.deepEqual(role.body.data.vhosts, { '/': { configure: '.*', write: '.*', read: '.*' } });

    const conn = await amqpLogin(username, password);
    const closed = new Promise<void>((resolve) => conn.on('close', () => resolve()));
    const channel = await conn.createChannel();
    const q = await channel.assertQueue('', { exclusive: true });
    assert.ok(channel.sendToQueue(q.queue, Buffer.from('hello')));

    const revoked = await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
    assert.equal(revoked.status, 204, JSON.stringify(revoked.body));
    assert.equal(await userExists(username), false);
    await assert.rejects(amqpLogin(username, password), /ACCESS_REFUSED|403/);
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the open connection was not closed')), 10_000))]);
  });

  it('deletes the user when its lease expires, with config/lease', async () => {
    assert.equal((await s.request('POST', 'rabbitmq/config/lease', { ttl: '2s', max_ttl: '10s' })).status, 204);
    assert.deepEqual((await s.request('GET', 'rabbitmq/config/lease')).body.data, { ttl: 2, max_ttl: 10 });
    const creds = await s.request('GET', 'rabbitmq/creds/app');
    assert.equal(creds.status, 200);
    assert.equal(creds.body.lease_duration, 2);
    issued.push(creds.body.data.username);
    (await amqpLogin(creds.body.data.username, creds.body.data.password)).close();
    assert.ok(await eventually(async () => !(await userExists(creds.body.data.username))), 'the expired user was deleted');
    await s.request('POST', 'rabbitmq/config/lease', { ttl: 0, max_ttl: 0 });
  });

  it('uses the password policy and username template of the connection', async () => {
    assert.equal((await s.request('PUT', 'sys/policies/password/rabbit', { policy: 'length = 32\nrule "charset" {\n  charset = "abcdefghij0123456789"\n}' })).status, 204);
    assert.equal((await s.request('POST', 'rabbitmq/config/connection', { connection_uri: API, username: 'guest', password: 'guest', password_policy: 'rabbit', username_template: 'coffer-{{.RoleName}}-{{random 6 | lowercase}}' })).status, 204);
    const creds = await s.request('GET', 'rabbitmq/creds/app');
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    issued.push(creds.body.data.username);
    assert.match(creds.body.data.username, /^coffer-app-[a-z0-9]{6}$/);
    assert.match(creds.body.data.password, /^[a-j0-9]{32}$/);
    (await amqpLogin(creds.body.data.username, creds.body.data.password)).close();
    await s.request('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id });
  });

  it('refuses bad input with a clear error and stores nothing', async () => {
    const wrong = await s.request('POST', 'rabbitmq/config/connection', { connection_uri: API, username: 'guest', password: 'not-guest' });
    assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
    assert.match(wrong.body.errors[0], /401/);
    assert.ok(!JSON.stringify(wrong.body).includes('not-guest'));
    const typo = await s.request('POST', 'rabbitmq/config/connection', { connection_uri: 'htp:/127.0.0.1:15672', username: 'guest', password: 'guest' });
    assert.equal(typo.status, 400);
    assert.match(typo.body.errors[0], /connection_uri must be the http\(s\) address/);
    const down = await s.request('POST', 'rabbitmq/config/connection', { connection_uri: `http://127.0.0.1:${await freePort()}`, username: 'guest', password: 'guest' });
    assert.equal(down.status, 503);
    assert.match(down.body.errors[0], /unreachable: ECONNREFUSED/);
    const bad = await s.request('POST', 'rabbitmq/roles/bad', { vhosts: '{"/": {"configure": ".*", "writ": ".*"}}' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0], /unknown permission "writ"/);
    const notJson = await s.request('POST', 'rabbitmq/roles/bad', { vhosts: '{nope' });
    assert.equal(notJson.status, 400);
    assert.match(notJson.body.errors[0], /failed to unmarshal vhosts JSON/);
    assert.equal((await s.request('GET', 'rabbitmq/roles/bad')).status, 404);
    // The earlier good configuration is still in use.
    const still = await s.request('GET', 'rabbitmq/creds/app');
    assert.equal(still.status, 200);
    issued.push(still.body.data.username);
  });
});
