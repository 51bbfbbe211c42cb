import { CofferError, definePath, type FieldSchema, type KeyedMutex, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { caConfigured, deleteCaKeys, readCaPublicKey, writeCaKeys } from './ca-store.js';
import { generateCaKey, parsePrivateKeyText, privateKeyPem, PrivateKeyError } from './private-key.js';
import { authorizedKeyLine, parsePublicKeyText, PublicKeyError, sshPublicKeyOf } from './public-key.js';

export const CA_LOCK = 'config/ca';

const CA_CONFIG_FIELDS = {
  generate_signing_key: {
    type: 'bool',
    default: true,
    description: 'Generate the CA key pair inside Coffer instead of importing private_key and public_key.',
  },
  key_type: {
    type: 'string',
    default: 'ssh-rsa',
    description: 'Type of a generated key: ssh-rsa, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-ed25519, or rsa, ec, ed25519.',
  },
  key_bits: {
    type: 'int',
    default: 0,
    description: 'Bits of a generated RSA key (default 4096) or the curve of key_type "ec" (256, 384 or 521).',
  },
  private_key: {
    type: 'string',
    description: 'Private key to import (OpenSSH or PEM, unencrypted). Never returned.',
    displayAttrs: { sensitive: true },
  },
  public_key: { type: 'string', description: 'Public key of the imported private_key, in authorized_keys form.' },
} satisfies Record<string, FieldSchema>;

export function pathConfigCa(locks: KeyedMutex): PathDefinition {
  return definePath({
    pattern: 'config/ca',
    fields: CA_CONFIG_FIELDS,
    operations: {
      update: { callback: (req, d) => locks.run(CA_LOCK, () => configure(req, d)), summary: 'Generate or import the CA key.' },
      read: { callback: readConfig, summary: 'Read the CA public key.' },
      delete: {
        callback: async (req) => {
          await locks.run(CA_LOCK, () => deleteCaKeys(req.storage));
          return null;
        },
        summary: 'Delete the CA key pair.',
      },
    },
    helpSynopsis: 'Set up the CA key that signs SSH certificates.',
    helpDescription: `
A write generates a key pair (key_type, key_bits) or imports one (private_key
and public_key). The private key stays in barrier storage and is never
returned; a read returns the public key. Delete the keys before configuring
new ones. Point sshd's TrustedUserCAKeys at the public key (also served
unauthenticated at public_key).
`,
  });
}

async function readConfig(req: Request): Promise<Response> {
  const publicKey = await readCaPublicKey(req.storage);
  if (!publicKey) throw new CofferError('invalid_request', "keys haven't been configured yet");
  return { data: { public_key: publicKey } };
}

async function configure(req: Request, d: TypedFieldData<typeof CA_CONFIG_FIELDS>): Promise<Response | null> {
  const publicKeyText = d.values.public_key;
  const privateKeyText = d.values.private_key;
  const generateSet = d.has('generate_signing_key');
  const generateRaw = d.values.generate_signing_key;

  let generate: boolean;
  if (generateSet && generateRaw) {
    if (publicKeyText !== '' || privateKeyText !== '') {
      throw new CofferError('invalid_request', 'public_key and private_key must not be set when generate_signing_key is set to true');
    }
    generate = true;
  } else if (generateSet || (publicKeyText !== '' && privateKeyText !== '')) {
    if (publicKeyText === '') throw new CofferError('invalid_request', 'missing public_key');
    if (privateKeyText === '') throw new CofferError('invalid_request', 'missing private_key');
    generate = false;
  } else if (publicKeyText === '' && privateKeyText === '') {
    generate = true;
  } else {
    throw new CofferError(
      'invalid_request',
      'only one of public_key and private_key set; both must be set to use, or both must be blank to auto-generate',
    );
  }

  if (await caConfigured(req.storage)) {
    throw new CofferError('invalid_request', 'keys are already configured; delete them before reconfiguring');
  }

  let publicKey: string;
  let privatePem: string;
  if (generate) {
    try {
      const key = await generateCaKey(d.values.key_type, d.values.key_bits);
      const ssh = sshPublicKeyOf(key);
      publicKey = authorizedKeyLine(ssh.algorithm, ssh.blob);
      privatePem = privateKeyPem(key);
    } catch (err) {
      if (err instanceof PrivateKeyError) throw new CofferError('invalid_request', err.message);
      throw err;
    }
  } else {
    ({ publicKey, privatePem } = importKeys(publicKeyText, privateKeyText));
  }
  await writeCaKeys(req.storage, publicKey, privatePem);
  return generate ? { data: { public_key: publicKey } } : null;
}

function importKeys(publicKeyText: string, privateKeyText: string): { publicKey: string; privatePem: string } {
  let privateKey;
  try {
    privateKey = parsePrivateKeyText(privateKeyText);
  } catch (err) {
    // The message names what is wrong with the key, never its contents.
    if (err instanceof PrivateKeyError) throw new CofferError('invalid_request', `Unable to parse private_key as an SSH private key: ${err.message}`);
    throw err;
  }
  let given;
  try {
    given = parsePublicKeyText(publicKeyText);
  } catch (err) {
    if (err instanceof PublicKeyError) throw new CofferError('invalid_request', `Unable to parse public_key as an SSH public key: ${err.message}`);
    throw err;
  }
  const derived = sshPublicKeyOf(privateKey);
  // A mismatched pair would sign certificates that no one trusting public_key accepts.
  if (!derived.blob.equals(given.blob)) throw new CofferError('invalid_request', 'public_key does not match private_key');
  return { publicKey: authorizedKeyLine(derived.algorithm, derived.blob), privatePem: privateKeyPem(privateKey) };
}
