import { KeyObject, X509Certificate, randomBytes, webcrypto } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type * as X509 from '@peculiar/x509';
import { TLS_SERVER_NAME } from './constants.js';

/**
 * A one-time key pair and self-signed certificate. Each side of a plugin
 * connection makes one per launch and never stores it; the other side pins
 * it (it is the only certificate in its trust store), so no CA is involved.
 */
export interface TlsIdentity {
  certPem: string;
  certDer: Buffer;
  keyPem: string;
}

type SelfSignedParams = Parameters<typeof X509.X509CertificateGenerator.createSelfSigned>[0];

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
// The certificate lives as long as the process; it must not expire under a
// long-running plugin (gRPC reconnects after idling), and the key is never
// written anywhere, so a long validity costs nothing.
const VALIDITY_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * @peculiar/x509 needs a Reflect metadata polyfill loaded before it, and
 * pulls in a DI container: load both only when a certificate is made, so that
 * importing the SDK costs nothing and changes no global for backends that
 * never launch or serve a plugin.
 */
let x509Module: Promise<typeof X509> | undefined;
export function loadX509(): Promise<typeof X509> {
  x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return x509Module;
}

export async function generateTlsIdentity(): Promise<TlsIdentity> {
  const x509 = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive serial number
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial.toString('hex'),
      name: `CN=${TLS_SERVER_NAME}, O=Coffer plugin`,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + VALIDITY_MS),
      signingAlgorithm: ALGORITHM,
      keys: keys as unknown as SelfSignedParams['keys'],
      extensions: [
        // CA so that it can be its own trust anchor; both usages because the
        // same identity serves and dials (the host services, see the docs).
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: TLS_SERVER_NAME }]),
      ],
    },
    webcrypto as unknown as Parameters<typeof X509.X509CertificateGenerator.createSelfSigned>[1],
  );
  const keyPem = KeyObject.from(keys.privateKey as unknown as Parameters<typeof KeyObject.from>[0])
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return { certPem: cert.toString('pem'), certDer: Buffer.from(cert.rawData), keyPem };
}

/** PEM of a DER certificate; throws when the bytes are not a certificate. */
export function certDerToPem(der: Buffer): string {
  return new X509Certificate(der).toString();
}

/** DER of a PEM certificate; throws when the text is not a certificate. */
export function certPemToDer(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

/** Serve with `own`, accepting only clients that present `peerCertPem`. */
export function serverCredentials(own: TlsIdentity, peerCertPem: string): grpc.ServerCredentials {
  return grpc.ServerCredentials.createSsl(
    Buffer.from(peerCertPem),
    [{ private_key: Buffer.from(own.keyPem), cert_chain: Buffer.from(own.certPem) }],
    true,
  );
}

/** Dial with `own` as client certificate, accepting only a server that presents `peerCertDer`. */
export function channelCredentials(own: TlsIdentity, peerCertDer: Buffer): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(Buffer.from(certDerToPem(peerCertDer)), Buffer.from(own.keyPem), Buffer.from(own.certPem), {
    // The chain check already limits trust to the pinned certificate; this
    // compares the bytes too, so nothing else signed by that key passes.
    checkServerIdentity: (_host, cert) =>
      cert.raw && Buffer.compare(cert.raw, peerCertDer) === 0 ? undefined : new Error('the peer certificate is not the pinned one'),
  });
}

/**
 * Message size limits for both directions of every plugin connection. gRPC's
 * default 4 MiB receive cap would fail large storage values and responses;
 * both ends are trusted, local processes (the binary's sha256 was checked),
 * so the limits are lifted, as Vault does for its plugins.
 */
export const MESSAGE_SIZE_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

/** Channel options: TLS name checks use the certificates' fixed name; no size caps. */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.ssl_target_name_override': TLS_SERVER_NAME,
  'grpc.default_authority': TLS_SERVER_NAME,
  ...MESSAGE_SIZE_OPTIONS,
};

/** The gRPC target of a unix socket path. */
export function unixTarget(socketPath: string): string {
  return `unix:${socketPath}`;
}

/** True when the caller of a server call presented exactly `expectedDer`. */
export function callerIs(
  call: { getAuthContext?: () => { sslPeerCertificate?: { raw?: Buffer } } },
  expectedDer: Buffer,
): boolean {
  const raw = call.getAuthContext?.().sslPeerCertificate?.raw;
  return raw !== undefined && Buffer.compare(raw, expectedDer) === 0;
}
