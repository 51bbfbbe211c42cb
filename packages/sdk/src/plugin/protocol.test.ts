import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLIENT_CERT_ENV, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, NOT_A_PLUGIN_MESSAGE, PROTOCOL_VERSIONS_ENV } from './constants.js';
import { formatHandshakeLine, parseHandshakeLine } from './handshake.js';
import { startPluginServer } from './plugin-server.js';
import { loadPluginProtocol } from './proto.js';
import { createStderrLogger } from './stderr-logger.js';
import { certDerToPem, generateTlsIdentity } from './tls.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('protocol definition', () => {
  it('the embedded .proto text matches packages/sdk/proto (run proto/embed.mjs after editing)', () => {
    const run = spawnSync(process.execPath, [join(here, '../../proto/embed.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });

  it('defines every service and method of the protocol', () => {
    const proto = loadPluginProtocol();
    assert.deepEqual(Object.keys(proto.Backend.service).sort(), [
      'Calls',
      'Cleanup',
      'HandleExistenceCheck',
      'HandleRequest',
      'Initialize',
      'InvalidateKey',
      'PluginVersion',
      'Setup',
      'SpecialPaths',
      'Type',
    ]);
    assert.deepEqual(Object.keys(proto.Storage.service).sort(), ['Delete', 'Get', 'List', 'ListPage', 'Put', 'Session']);
    assert.deepEqual(Object.keys(proto.SystemView.service).sort(), [
      'CachingDisabled',
      'DefaultLeaseTTL',
      'GeneratePasswordFromPolicy',
      'LocalMount',
      'MaxLeaseTTL',
      'PluginEnv',
      'ResponseWrapData',
      'Tainted',
    ]);
    assert.deepEqual(Object.keys(proto.Database.service).sort(), ['Close', 'DeleteUser', 'Initialize', 'NewUser', 'Type', 'UpdateUser']);
    assert.equal(proto.Backend.service.HandleRequest!.path, '/coffer.plugin.v1.Backend/HandleRequest');
  });
});

describe('handshake line', () => {
  it('formats and parses', async () => {
    const { certDer } = await generateTlsIdentity();
    const line = formatHandshakeLine({ appVersion: 1, network: 'unix', address: '/tmp/p/plugin.sock', protocol: 'grpc', serverCertDer: certDer });
    assert.match(line, /^1\|1\|unix\|\/tmp\/p\/plugin\.sock\|grpc\|[A-Za-z0-9+/]+=*$/);
    const parsed = parseHandshakeLine(line);
    assert.deepEqual(parsed, { coreVersion: 1, appVersion: 1, network: 'unix', address: '/tmp/p/plugin.sock', protocol: 'grpc', serverCertDer: certDer });
  });

  it('accepts unpadded base64 (as go-plugin prints it)', async () => {
    const { certDer } = await generateTlsIdentity();
    const unpadded = certDer.toString('base64').replace(/=+$/, '');
    assert.deepEqual(parseHandshakeLine(`1|1|unix|/s|grpc|${unpadded}`).serverCertDer, certDer);
  });

  it('says what is wrong with a bad line', () => {
    assert.throws(() => parseHandshakeLine('hello world'), /expected "core-version\|app-version/);
    assert.throws(() => parseHandshakeLine('x|1|unix|/s|grpc|'), /core protocol version "x" is not a number/);
    assert.throws(() => parseHandshakeLine('1|1|unix||grpc|'), /address field is empty/);
    assert.throws(() => parseHandshakeLine('1|1|unix|/s|grpc|not base64!'), /not base64/);
  });
});

describe('one-time TLS identity', () => {
  it('is a self-signed P-256 certificate for localhost, usable to serve and to dial', async () => {
    const id = await generateTlsIdentity();
    const cert = new X509Certificate(id.certPem);
    assert.equal(cert.subjectAltName, 'DNS:localhost');
    assert.equal(cert.ca, true);
    assert.equal(cert.checkIssued(cert), true);
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(certDerToPem(id.certDer).trim(), id.certPem.trim());
    assert.match(id.keyPem, /^-----BEGIN PRIVATE KEY-----/);
    const other = await generateTlsIdentity();
    assert.notEqual(other.certPem, id.certPem);
  });
});

describe('plugin start-up checks', () => {
  const failWith = (message: string): never => {
    throw new Error(message);
  };

  it('without the magic cookie: explains it is a plugin', async () => {
    await assert.rejects(startPluginServer(() => undefined, { env: {}, fail: failWith }), (err: Error) => err.message === NOT_A_PLUGIN_MESSAGE);
  });

  it('refuses a server that offers only other protocol versions', async () => {
    const env = { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, [PROTOCOL_VERSIONS_ENV]: '2,3' };
    await assert.rejects(startPluginServer(() => undefined, { env, fail: failWith }), /speaks Coffer plugin protocol 1; the server offers 2, 3/);
  });

  it('requires the server certificate', async () => {
    const env = { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, [CLIENT_CERT_ENV]: 'garbage' };
    await assert.rejects(startPluginServer(() => undefined, { env, fail: failWith }), /COFFER_PLUGIN_CLIENT_CERT must hold/);
  });
});

describe('stderr logger', () => {
  it('writes one JSON object a line, with bindings, and honours the level', () => {
    const lines: string[] = [];
    const logger = createStderrLogger({ level: 'info', write: (l) => lines.push(l) }).child({ backend: 'b1' });
    logger.debug({ hidden: true }, 'not shown');
    logger.warn({ key: 'k' }, 'shown');
    logger.error(new Error('bad'));
    logger.info('just text');
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => l.endsWith('\n')));
    const [warn, error, info] = lines.map((l) => JSON.parse(l));
    assert.equal(warn.level, 'warn');
    assert.equal(warn.msg, 'shown');
    assert.equal(warn.key, 'k');
    assert.equal(warn.backend, 'b1');
    assert.equal(error.err.message, 'bad');
    assert.equal(info.msg, 'just text');
  });
});
