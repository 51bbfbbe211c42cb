import { TokenRecords, type Storage } from '@coffer/sdk';

/** An authorization code issued at authorize, waiting for the client at token. */
export interface PendingCode {
  provider: string;
  clientId: string;
  entityId: string;
  redirectUri: string;
  scopes: string[];
  nonce: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  /** Seconds since the epoch. */
  authTime: number;
}

/** What an access token given out at token lets its bearer read at userinfo. */
export interface AccessToken {
  provider: string;
  clientId: string;
  entityId: string;
  scopes: string[];
}

/** Authorization codes live this long (milliseconds), once. */
export const CODE_TTL_MS = 5 * 60 * 1000;

/**
 * The OIDC provider's authorization codes and access tokens, kept in the
 * identity mount's storage (encrypted by the barrier, under the SHA-256 of
 * the code or token) so that every node of a cluster knows them and they
 * survive a failover. Only callers holding a Coffer token (authorize) or
 * a client's credentials and a code (token) create them, so they are not
 * capped; the periodic function removes the expired ones.
 */
export class ProviderFlowRecords {
  readonly codes: TokenRecords<PendingCode>;
  readonly accessTokens: TokenRecords<AccessToken>;

  constructor(now: () => number) {
    this.codes = new TokenRecords({ prefix: 'oidc/flow/code/', now });
    this.accessTokens = new TokenRecords({ prefix: 'oidc/flow/access_token/', now });
  }

  async sweep(storage: Storage): Promise<void> {
    await this.codes.sweep(storage);
    await this.accessTokens.sweep(storage);
  }
}
