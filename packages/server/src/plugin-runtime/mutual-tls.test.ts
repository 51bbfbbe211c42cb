import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { pluginProtocol } from '@coffer/sdk/plugin/index.js';
import { buildFixture, tempDir } from './testdata/helpers.js';

// Drives the handshake by hand (as a host in another language would) to
// check that each side accepts only the certificate it was given.

let dir: string;
let child: ChildProcess;
let hostIdentity: pluginProtocol.TlsIdentity;
let handshake: pluginProtocol.Handshake;

before(async () => {
  dir = tempDir('coffer-plugin-mtls-');
  const command = buildFixture('fixture-backend', dir);
  hostIdentity = await pluginProtocol.generateTlsIdentity();
  child = spawn(command, [], {
    env: {
      PATH: process.env.PATH,
      [pluginProtocol.MAGIC_COOKIE_KEY]: pluginProtocol.MAGIC_COOKIE_VALUE,
      [pluginProtocol.CLIENT_CERT_ENV]: hostIdentity.certPem,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
  });
  handshake = pluginProtocol.parseHandshakeLine(line);
});

after(() => {
  child?.kill('SIGTERM'); // lets the plugin remove its socket directory
  rmSync(dir, { recursive: true, force: true });
});

function typeCall(identity: pluginProtocol.TlsIdentity, pinnedServerDer: Buffer): Promise<pluginProtocol.TypeReply> {
  const proto = pluginProtocol.loadPluginProtocol();
  const client = new proto.Backend(
    pluginProtocol.unixTarget(handshake.address),
    pluginProtocol.channelCredentials(identity, pinnedServerDer),
    pluginProtocol.CHANNEL_OPTIONS,
  );
  return pluginProtocol.unaryCall<pluginProtocol.TypeReply>(client, 'Type', { backend_id: '' }, 5000).finally(() => client.close());
}

describe('mutual TLS between server and plugin', () => {
  it('the handshake names a private unix socket and a certificate', () => {
    assert.equal(handshake.coreVersion, 1);
    assert.equal(handshake.appVersion, 1);
    assert.equal(handshake.network, 'unix');
    assert.equal(handshake.protocol, 'grpc');
    assert.match(handshake.address, /coffer-plugin-[^/]+\/plugin\.sock$/);
    assert.ok(handshake.serverCertDer.length > 100);
  });

  it('the server with the certificate it announced is served', async () => {
    assert.deepEqual(await typeCall(hostIdentity, handshake.serverCertDer), { type: 'logical', error: null });
  });

  it('a client with any other certificate is refused', async () => {
    const stranger = await pluginProtocol.generateTlsIdentity();
    await assert.rejects(typeCall(stranger, handshake.serverCertDer), (err: unknown) => {
      assert.ok(pluginProtocol.isGrpcServiceError(err));
      assert.equal(err.code, grpc.status.UNAVAILABLE);
      return true;
    });
  });

  it('the server refuses to talk to a plugin that is not the pinned one', async () => {
    const impostor = await pluginProtocol.generateTlsIdentity();
    await assert.rejects(typeCall(hostIdentity, impostor.certDer), (err: unknown) => {
      assert.ok(pluginProtocol.isGrpcServiceError(err));
      assert.equal(err.code, grpc.status.UNAVAILABLE);
      return true;
    });
  });
});
