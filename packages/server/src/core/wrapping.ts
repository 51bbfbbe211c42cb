import { CofferError, getJson, putJson, type Storage, type WrapInfo } from '@coffer/sdk';
import { renderEnvelope } from '../http/envelope.js';
import type { PipelineResult } from './pipeline-types.js';
import type { TokenInfo, TokenPort } from './ports.js';

const RESPONSE_KEY = 'response';
const INFO_KEY = 'wrapinfo';

interface StoredWrapInfo {
  creation_path: string;
  creation_time: string;
  creation_ttl: number;
}

export interface ResponseWrapperDeps {
  tokens: TokenPort;
  /** The cubbyhole of a token: wrapped responses live in the wrapping token's own cubbyhole, so they vanish with it. */
  cubbyholeOf: (token: string) => Promise<Storage>;
  now?: () => Date;
}

/**
 * Response wrapping: the real answer is kept in the cubbyhole of a new
 * single-use token whose TTL is the wrap TTL; the client gets only wrap_info.
 */
export class ResponseWrapper {
  constructor(private readonly deps: ResponseWrapperDeps) {}

  async wrap(input: { result: PipelineResult; ttl: number; creationPath: string; parent?: TokenInfo }): Promise<WrapInfo> {
    const { token, accessor } = await this.deps.tokens.createWrappingToken({ ttl: input.ttl, creationPath: input.creationPath, parent: input.parent });
    const creationTime = (this.deps.now?.() ?? new Date()).toISOString();
    const cubbyhole = await this.deps.cubbyholeOf(token);
    const inner = renderEnvelope({ ...input.result, wrapInfo: undefined });
    await putJson(cubbyhole, RESPONSE_KEY, inner);
    await putJson(cubbyhole, INFO_KEY, { creation_path: input.creationPath, creation_time: creationTime, creation_ttl: input.ttl } satisfies StoredWrapInfo);
    const wrappedAccessor = input.result.auth?.accessor;
    return {
      token,
      accessor,
      ttl: input.ttl,
      creation_time: creationTime,
      creation_path: input.creationPath,
      ...(wrappedAccessor ? { wrapped_accessor: wrappedAccessor } : {}),
    };
  }

  /**
   * Read the wrapped answer and revoke the wrapping token (single use).
   * `usedByRequest`: the wrapping token is the request's own token, already
   * checked and charged its single use by the pipeline. Otherwise the use is
   * charged here, atomically, so two concurrent unwraps cannot both succeed.
   */
  async unwrap(wrappingToken: string, opts: { usedByRequest?: boolean } = {}): Promise<Record<string, unknown>> {
    if (!opts.usedByRequest) {
      try {
        const info = await this.deps.tokens.check(wrappingToken, undefined);
        if (!isWrappingToken(info)) throw new Error('not a wrapping token');
        await this.deps.tokens.use(info);
      } catch {
        throw new CofferError('invalid_request', 'wrapping token is not valid or does not exist');
      }
    }
    const cubbyhole = await this.deps.cubbyholeOf(wrappingToken);
    const stored = await getJson<Record<string, unknown>>(cubbyhole, RESPONSE_KEY);
    if (!stored) throw new CofferError('invalid_request', 'wrapping token is not valid or does not exist');
    await this.deps.tokens.revoke(wrappingToken);
    return stored;
  }

  async lookup(wrappingToken: string): Promise<StoredWrapInfo> {
    const valid = await this.deps.tokens.check(wrappingToken, undefined).then(isWrappingToken, () => false);
    if (!valid) throw new CofferError('invalid_request', 'wrapping token is not valid or does not exist');
    const info = await getJson<StoredWrapInfo>(await this.deps.cubbyholeOf(wrappingToken), INFO_KEY);
    if (!info) throw new CofferError('invalid_request', 'wrapping token is not valid or does not exist');
    return info;
  }

  /** Move a wrapped answer to a fresh wrapping token with the same TTL. */
  async rewrap(wrappingToken: string, parent?: TokenInfo): Promise<WrapInfo> {
    const info = await this.lookup(wrappingToken);
    const stored = await this.unwrap(wrappingToken);
    const { token, accessor } = await this.deps.tokens.createWrappingToken({ ttl: info.creation_ttl, creationPath: info.creation_path, parent });
    const cubbyhole = await this.deps.cubbyholeOf(token);
    const creationTime = (this.deps.now?.() ?? new Date()).toISOString();
    await putJson(cubbyhole, RESPONSE_KEY, stored);
    await putJson(cubbyhole, INFO_KEY, { ...info, creation_time: creationTime });
    return { token, accessor, ttl: info.creation_ttl, creation_time: creationTime, creation_path: info.creation_path };
  }
}

/** Only tokens minted for wrapping (the response-wrapping policy alone) can be unwrapped. */
export function isWrappingToken(info: Pick<TokenInfo, 'policies'>): boolean {
  return info.policies.length === 1 && info.policies[0] === 'response-wrapping';
}
