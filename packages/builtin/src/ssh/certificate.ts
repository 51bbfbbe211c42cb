import { randomBytes, type KeyObject } from 'node:crypto';
import { sshPublicKeyOf, type SshPublicKey } from './public-key.js';
import { sshSign } from './signature.js';
import { WireReader, WireWriter } from './wire.js';

/** What goes into an OpenSSH certificate (PROTOCOL.certkeys). */
export interface CertificateTemplate {
  /** The key being certified. */
  subject: SshPublicKey;
  serial: bigint;
  type: 'user' | 'host';
  keyId: string;
  principals: string[];
  /** Seconds since the epoch. */
  validAfter: number;
  validBefore: number;
  criticalOptions: Record<string, string>;
  extensions: Record<string, string>;
}

export interface SignedCertificate {
  /** e.g. "ssh-ed25519-cert-v01@openssh.com". */
  algorithm: string;
  blob: Buffer;
}

const CERT_TYPE = { user: 1, host: 2 } as const;

/**
 * Encodes and signs an OpenSSH certificate with the CA key. `rsaAlgorithm`
 * picks the signature algorithm for an RSA CA (rsa-sha2-256 by default).
 */
export function signCertificate(t: CertificateTemplate, ca: KeyObject, rsaAlgorithm?: string): SignedCertificate {
  const algorithm = `${t.subject.algorithm}-cert-v01@openssh.com`;
  // The certificate carries the subject key's fields without its algorithm name.
  const keyReader = new WireReader(t.subject.blob);
  keyReader.string();
  const body = new WireWriter()
    .string(algorithm)
    .string(randomBytes(32))
    .raw(keyReader.rest())
    .uint64(t.serial)
    .uint32(CERT_TYPE[t.type])
    .string(t.keyId)
    .string(packStrings(t.principals))
    .uint64(BigInt(t.validAfter))
    .uint64(BigInt(t.validBefore))
    .string(packOptions(t.criticalOptions))
    .string(packOptions(t.extensions))
    .string(Buffer.alloc(0)) // reserved
    .string(sshPublicKeyOf(ca).blob)
    .bytes();
  const signature = sshSign(ca, body, rsaAlgorithm);
  return { algorithm, blob: new WireWriter().raw(body).string(signature).bytes() };
}

function packStrings(values: string[]): Buffer {
  const w = new WireWriter();
  for (const v of values) w.string(v);
  return w.bytes();
}

/**
 * Critical options and extensions: name, then the value as a string inside a
 * string, or an empty string for a flag. OpenSSH requires them sorted by name.
 */
function packOptions(options: Record<string, string>): Buffer {
  const w = new WireWriter();
  for (const name of Object.keys(options).sort()) {
    const value = options[name]!;
    w.string(name).string(value === '' ? Buffer.alloc(0) : new WireWriter().string(value).bytes());
  }
  return w.bytes();
}
