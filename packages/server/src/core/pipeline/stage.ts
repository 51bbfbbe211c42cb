import type { Request, Response } from '@coffer/sdk';
import type { IncomingRequest, PipelineResult } from '../pipeline-types.js';
import type { IdentityTemplateContext } from '../../policy/templating.js';
import type { AclDecision, TokenInfo } from '../ports.js';
import type { Route } from '../router.js';

/**
 * Everything one request has learnt so far, handed from stage to stage.
 * Per-request facts (the caller's token, sudo, the ACL decision) live here
 * and on `request`, never in side tables.
 */
export interface PipelineContext {
  readonly incoming: IncomingRequest;
  /** Set by `route`. */
  route?: Route;
  /** The request path below the mount. */
  relative: string;
  /** The path is one of the mount's unauthenticated paths (logins). */
  unauthenticated: boolean;
  /** The authenticated token (absent on unauthenticated paths). */
  token?: TokenInfo;
  /** Whoever called, even on an unauthenticated path with a valid token (never authorized or charged). */
  caller?: TokenInfo;
  /** The request as the backend will see it (set by `request`). */
  request?: Request;
  /** The token's entity as the `identity` stage found it: its policies and groups' policies, and what templated policies may use. */
  identity?: RequestIdentity;
  decision?: AclDecision;
  /** A login completed by a later request (sys/mfa/validate): the login's path, for the token it issues. */
  loginPath?: string;
  /** What the backend answered (set by `dispatch`). */
  response: Response | null;
  /** What goes back to the transport (set by `dispatch`, completed by later stages). */
  result?: PipelineResult;
}

/** What the identity store adds to a request whose token has an entity. */
export interface RequestIdentity {
  entityId: string;
  /** Policies of the entity and of every group it is in (directly or through nested groups). */
  policies: string[];
  template: IdentityTemplateContext;
}

/** One step of the request pipeline: do its part, then `next()` to run the stages after it. */
export type Stage = (ctx: PipelineContext, next: () => Promise<void>) => Promise<void>;

/** A stage a module contributes. Names in STAGE_ORDER go to their place; other stages say which stage they follow. */
export interface StageContribution {
  name: string;
  stage: Stage;
  /** For stages not in STAGE_ORDER: the stage this one runs right after. */
  after?: string;
}

export function newPipelineContext(incoming: IncomingRequest): PipelineContext {
  return { incoming, relative: '', unauthenticated: false, response: null };
}

/** The route, for stages that run after `route` (a bug, never bad input, if it is missing). */
export function routeOf(ctx: PipelineContext): Route {
  if (!ctx.route) throw new Error('pipeline stage ran before the route stage');
  return ctx.route;
}

export function requestOf(ctx: PipelineContext): Request {
  if (!ctx.request) throw new Error('pipeline stage ran before the request stage');
  return ctx.request;
}

export function resultOf(ctx: PipelineContext): PipelineResult {
  if (!ctx.result) throw new Error('pipeline stage ran before the dispatch stage');
  return ctx.result;
}
