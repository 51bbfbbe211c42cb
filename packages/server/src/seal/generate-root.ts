import { randomUUID } from 'node:crypto';
import { CofferError, type Logger } from '@coffer/sdk';
import { KeyShareCollector } from './key-shares.js';
import { recoverRootKey } from './recover-root-key.js';
import { encryptForKeys, pgpFingerprints } from './pgp-shares.js';
import { encodeRootToken, generateOtp } from './root-token-otp.js';
import type { ShamirSealConfig as SealConfig } from './seal-config.js';
import type { GenerateRootInitRequest, GenerateRootStatus } from './types.js';

export interface RootTokenIssuer {
  createRootToken(): Promise<string>;
  /** Undo createRootToken when the token cannot be handed out (optional). */
  revokeRootToken?(token: string): Promise<void>;
}

interface Attempt {
  nonce: string;
  /** '' when the token is to be PGP-encrypted instead. */
  otp: string;
  pgpKey: string;
  pgpFingerprint: string;
  collected: KeyShareCollector;
}

/**
 * Generate-root with the one-time-pad flow of modern Vault: the attempt is
 * started with an OTP (given, or generated and returned once), a quorum of
 * unseal key shares authorizes it, and the new root token comes back XORed
 * with the OTP, or (with `pgp_key`) encrypted to a PGP public key and
 * base64-encoded. The seal manager checks initialized/unsealed and serializes.
 */
export class RootGeneration {
  private attempt: Attempt | null = null;

  constructor(
    private readonly issuer: RootTokenIssuer,
    private readonly logger: Logger,
    readonly otpLength: number,
  ) {}

  status(config: SealConfig, generatedOtp = ''): GenerateRootStatus {
    const a = this.attempt;
    return {
      nonce: a?.nonce ?? '',
      started: a !== null,
      progress: a?.collected.count ?? 0,
      required: config.secret_threshold,
      complete: false,
      encoded_token: '',
      encoded_root_token: '',
      pgp_fingerprint: a?.pgpFingerprint ?? '',
      otp: generatedOtp,
      otp_length: this.otpLength,
    };
  }

  async init(config: SealConfig, request: GenerateRootInitRequest): Promise<GenerateRootStatus> {
    const given = request.otp ?? '';
    const pgpKey = request.pgp_key ?? '';
    if (given !== '' && pgpKey !== '') throw new CofferError('invalid_request', 'only one of otp or pgp_key may be given');
    if (pgpKey !== '') {
      if (this.attempt) throw new CofferError('invalid_request', 'root generation already in progress');
      const [fingerprint] = await pgpFingerprints([pgpKey]);
      this.attempt = { nonce: randomUUID(), otp: '', pgpKey, pgpFingerprint: fingerprint!, collected: new KeyShareCollector() };
      this.logger.info({ nonce: this.attempt.nonce, pgp: true }, 'root generation initialized');
      return this.status(config);
    }
    if (given !== '' && given.length !== this.otpLength) {
      throw new CofferError('invalid_request', `OTP string is wrong length: it must be ${this.otpLength} characters`);
    }
    if (this.attempt) throw new CofferError('invalid_request', 'root generation already in progress');
    const otp = given !== '' ? given : generateOtp(this.otpLength);
    this.attempt = { nonce: randomUUID(), otp, pgpKey: '', pgpFingerprint: '', collected: new KeyShareCollector() };
    this.logger.info({ nonce: this.attempt.nonce }, 'root generation initialized');
    return this.status(config, given !== '' ? '' : otp);
  }

  async update(config: SealConfig, share: Buffer, nonce: string): Promise<GenerateRootStatus> {
    const a = this.attempt;
    if (!a) throw new CofferError('invalid_request', 'no root generation in progress');
    if (nonce !== a.nonce) {
      throw new CofferError('invalid_request', `incorrect nonce supplied; nonce for this root generation operation is "${a.nonce}"`);
    }
    if (!a.collected.add(share)) {
      throw new CofferError('invalid_request', 'given key has already been provided during this generation operation');
    }
    const progress = a.collected.count;
    const answer = (encoded: string, complete: boolean): GenerateRootStatus => ({
      // Vault's update answer: no otp, and otp_length left at zero
      nonce,
      started: true,
      progress,
      required: config.secret_threshold,
      complete,
      encoded_token: encoded,
      encoded_root_token: encoded,
      pgp_fingerprint: a.pgpFingerprint,
      otp: '',
      otp_length: 0,
    });
    if (progress < config.secret_threshold) return answer('', false);

    const rootKey = await recoverRootKey(a.collected.take(), config);
    if (!rootKey) {
      this.logger.warn({ nonce: a.nonce }, 'root generation: the submitted shares did not combine to the unseal key; progress reset');
      throw new CofferError('invalid_request', 'root generation aborted: the key shares given do not combine to this Vault\'s unseal key; progress has been reset');
    }
    rootKey.fill(0);

    const token = await this.issuer.createRootToken();
    let encoded: string;
    try {
      encoded = a.pgpKey !== '' ? (await encryptForKeys([token], [a.pgpKey]))[0]!.ciphertext.toString('base64') : encodeRootToken(token, a.otp);
    } catch (err) {
      if (a.pgpKey !== '') {
        await this.issuer.revokeRootToken?.(token).catch(() => undefined);
        throw new CofferError('internal', 'the new root token could not be encrypted to the PGP key; the token was not issued', { cause: err });
      }
      await this.issuer.revokeRootToken?.(token).catch(() => undefined);
      throw new CofferError('internal', `the new root token is ${token.length} characters, but generate-root OTPs are ${this.otpLength}; the token was not issued`);
    }
    this.attempt = null;
    this.logger.info({ nonce: a.nonce }, 'root generation finished');
    return answer(encoded, true);
  }

  cancel(): void {
    this.attempt?.collected.reset();
    this.attempt = null;
  }
}
