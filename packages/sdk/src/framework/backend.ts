import { CofferError } from '../errors.js';
import type { Backend, BackendType, ExistenceCheckResult, SpecialPaths } from '../logical/backend.js';
import type { Operation, Request } from '../logical/request.js';
import type { Response } from '../logical/response.js';
import type { Storage } from '../storage/storage.js';
import { FrameworkFieldData } from './field-data.js';
import { ownValue } from './own-property.js';
import { pathHelpText, rootHelpText } from './help.js';
import { anchoredPattern, captureNamesOf } from './pattern.js';
import { mergeOpenApi, openApiDocument } from './openapi.js';
import type {
  FieldSchema,
  FrameworkBackendOptions,
  OperationHandler,
  PathDefinition,
  SecretType,
} from './types.js';

/** A path definition compiled once: its anchored regex and the full field schema. */
interface CompiledPath {
  definition: PathDefinition;
  regex: RegExp;
  /** Declared fields plus the pattern's captures (a capture not declared is a string). */
  fields: Record<string, FieldSchema>;
  captureNames: Set<string>;
}

/**
 * A Backend built from declarations: routing, field conversion, help,
 * OpenAPI, lease renew/revoke dispatch and the existence check all come
 * from the PathDefinitions and SecretTypes given in the options.
 */
export class FrameworkBackend implements Backend {
  readonly type: BackendType;
  readonly paths: readonly PathDefinition[];
  private readonly compiled: CompiledPath[];
  private readonly secretTypes = new Map<string, SecretType>();

  constructor(private readonly opts: FrameworkBackendOptions) {
    this.type = opts.type;
    this.paths = opts.paths;
    this.compiled = opts.paths.map(compilePath);
    for (const secret of opts.secrets ?? []) this.secretTypes.set(secret.type, secret);
  }

  async handleRequest(req: Request): Promise<Response | null> {
    switch (req.operation) {
      case 'renew':
      case 'revoke':
        return this.handleRenewRevoke(req);
      case 'rollback':
        if (this.opts.periodic) await this.opts.periodic({ storage: req.storage });
        return null;
      default:
        break;
    }
    if (req.operation === 'help' && req.path === '') return this.rootHelp();

    const match = this.route(req.path);
    if (!match) throw new CofferError('unsupported_path', 'unsupported path');
    const { path, captures } = match;

    if (req.operation === 'help') return this.pathHelp(req, path);

    const handler = normalizeHandler(path.definition.operations[req.operation]);
    if (!handler) throw new CofferError('unsupported_operation', 'unsupported operation');

    const data = this.fieldData(req, path, captures);
    data.validate();
    this.checkRequired(req.operation, path, data);

    const resp = await handler.callback(req, data);
    const ignored = this.ignoredFields(req, path);
    if (resp && ignored.length > 0) {
      resp.warnings = [...(resp.warnings ?? []), `Endpoint ignored these unrecognized parameters: [${ignored.join(' ')}]`];
    }
    return resp;
  }

  async handleExistenceCheck(req: Request): Promise<ExistenceCheckResult> {
    const match = this.route(req.path);
    // No match: let the request itself fail later with "unsupported path".
    if (!match || !match.path.definition.existenceCheck) return { checkFound: false, exists: false };
    const data = this.fieldData(req, match.path, match.captures);
    data.validate();
    const exists = await match.path.definition.existenceCheck(req, data);
    return { checkFound: true, exists };
  }

  specialPaths(): SpecialPaths {
    return this.opts.pathsSpecial ?? {};
  }

  async initialize(req: { storage: Storage }): Promise<void> {
    if (this.opts.initialize) await this.opts.initialize(req);
  }

  async cleanup(): Promise<void> {
    if (this.opts.clean) await this.opts.clean();
  }

  async invalidateKey(key: string): Promise<void> {
    if (this.opts.invalidate) await this.opts.invalidate(key);
  }

  pluginVersion(): string {
    return this.opts.runningVersion ?? '';
  }

  /** The SecretType registered under `type`, if any. */
  secret(type: string): SecretType | undefined {
    return this.secretTypes.get(type);
  }

  /**
   * A response handing out a lease of the given secret type. The type is
   * recorded in internalData so renew and revoke find their way back.
   */
  secretResponse(type: string, data: Record<string, unknown>, internalData: Record<string, unknown> = {}): Response {
    const secretType = this.secretTypes.get(type);
    if (!secretType) throw new CofferError('internal', `secret type "${type}" is not registered with this backend`);
    return {
      data,
      secret: {
        ttl: secretType.defaultDuration ?? 0,
        maxTtl: 0,
        renewable: secretType.renew !== undefined,
        internalData: { ...internalData, secret_type: type },
      },
    };
  }

  /** The first path (in declaration order) whose pattern matches the whole path. */
  route(path: string): { path: CompiledPath; captures: Record<string, string> } | undefined {
    for (const compiled of this.compiled) {
      const m = compiled.regex.exec(path);
      if (!m) continue;
      const captures: Record<string, string> = {};
      for (const [name, value] of Object.entries(m.groups ?? {})) {
        if (value !== undefined) captures[name] = value;
      }
      return { path: compiled, captures };
    }
    return undefined;
  }

  private fieldData(req: Request, path: CompiledPath, captures: Record<string, string>): FrameworkFieldData {
    // Captures win over body fields of the same name: the path is what the ACL checked.
    return new FrameworkFieldData({ ...(req.data ?? {}), ...captures }, path.fields);
  }

  /**
   * Required fields are enforced on writes that must carry the whole object:
   * create, and update on a path without an existence check (where update is
   * the only write). An update of an existing object may be partial.
   */
  private checkRequired(operation: Operation, path: CompiledPath, data: FrameworkFieldData): void {
    const enforce = operation === 'create' || (operation === 'update' && !path.definition.existenceCheck);
    if (!enforce) return;
    const missing = Object.entries(path.fields)
      .filter(([name, field]) => field.required && !path.captureNames.has(name) && !data.getOk(name)[1])
      .map(([name]) => name);
    if (missing.length > 0) {
      throw new CofferError('invalid_request', `missing required field${missing.length > 1 ? 's' : ''}: ${missing.map((n) => `"${n}"`).join(', ')}`);
    }
  }

  private ignoredFields(req: Request, path: CompiledPath): string[] {
    if (path.definition.takesArbitraryInput) return [];
    return Object.keys(req.data ?? {})
      .filter((name) => ownValue(path.fields, name) === undefined)
      .sort();
  }

  private async handleRenewRevoke(req: Request): Promise<Response | null> {
    if (req.operation === 'renew' && !req.secret && req.auth) {
      if (!this.opts.authRenew) throw new CofferError('invalid_request', 'this auth type does not support renew');
      return this.opts.authRenew(req, new FrameworkFieldData(req.data ?? {}, {}));
    }
    if (!req.secret) throw new CofferError('invalid_request', 'request has no secret');
    const typeName = req.secret.internalData?.['secret_type'];
    const secretType = typeof typeName === 'string' ? this.secretTypes.get(typeName) : undefined;
    if (!secretType) throw new CofferError('unsupported_operation', 'secret is unsupported by this backend');
    const data = new FrameworkFieldData(req.data ?? {}, secretType.fields ?? {});
    if (req.operation === 'renew') {
      if (!secretType.renew) throw new CofferError('invalid_request', 'lease is not renewable');
      return secretType.renew(req, data);
    }
    if (!secretType.revoke) throw new CofferError('unsupported_operation', 'unsupported operation');
    return secretType.revoke(req, data);
  }

  private rootHelp(): Response {
    return {
      data: {
        help: rootHelpText(this.opts.help, this.paths),
        see_also: null,
        openapi: mergeOpenApi([openApiDocument(this.paths, this.docOptions())]),
      },
    };
  }

  private pathHelp(req: Request, path: CompiledPath): Response {
    return {
      data: {
        help: pathHelpText(req.path, path.definition, path.fields),
        see_also: null,
        openapi: mergeOpenApi([openApiDocument([path.definition], this.docOptions())]),
      },
    };
  }

  private docOptions(): { mountPath: string; backendType: BackendType; specialPaths: SpecialPaths } {
    // Paths relative to the mount, as Vault's backends document them; the
    // server adds each mount's prefix when it assembles the whole document.
    return { mountPath: '', backendType: this.type, specialPaths: this.specialPaths() };
  }
}

export function createBackend(opts: FrameworkBackendOptions): FrameworkBackend {
  return new FrameworkBackend(opts);
}

function compilePath(definition: PathDefinition): CompiledPath {
  let regex: RegExp;
  try {
    regex = new RegExp(anchoredPattern(definition.pattern));
  } catch (err) {
    throw new Error(`invalid path pattern ${JSON.stringify(definition.pattern)}: ${(err as Error).message}`);
  }
  const captureNames = new Set(captureNamesOf(definition.pattern));
  const fields: Record<string, FieldSchema> = {};
  for (const name of captureNames) fields[name] = { type: 'string', required: true };
  Object.assign(fields, definition.fields ?? {});
  return { definition, regex, fields, captureNames };
}

function normalizeHandler(handler: PathDefinition['operations'][Operation]): OperationHandler | undefined {
  if (handler === undefined) return undefined;
  return typeof handler === 'function' ? { callback: handler } : handler;
}
