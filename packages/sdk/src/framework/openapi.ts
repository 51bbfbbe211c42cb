import type { BackendType, SpecialPaths } from '../logical/backend.js';
import type { Operation } from '../logical/request.js';
import { parseDuration } from './duration.js';
import { expandPattern } from './pattern-expand.js';
import { captureNamesOf } from './pattern.js';
import { matchesSpecialPath } from './special-paths.js';
import type { FieldSchema, FieldType, OperationHandler, PathDefinition } from './types.js';

/** OpenAPI objects are plain JSON; these names only document intent. */
export type OpenApiObject = Record<string, unknown>;

export interface OpenApiPaths {
  paths: Record<string, OpenApiObject>;
}

export interface OpenApiDocument extends OpenApiPaths {
  openapi: string;
  info: { title: string; version: string; description: string; license: { name: string; url: string } };
  components: { schemas: Record<string, OpenApiObject> };
}

export interface OpenApiOptions {
  /** "" for paths relative to the mount (what backends report), or a mount such as "secret/" or "auth/userpass/". */
  mountPath: string;
  backendType: BackendType;
  /** Marks paths with x-vault-sudo / x-vault-unauthenticated. */
  specialPaths?: SpecialPaths;
}

type Method = 'get' | 'post' | 'patch' | 'delete';

/** Operations reachable over HTTP, with the method each one is served by. */
const documentedOperations: Array<[Operation, Method]> = [
  ['read', 'get'],
  ['list', 'get'],
  ['update', 'post'],
  ['create', 'post'],
  ['patch', 'patch'],
  ['delete', 'delete'],
];

/**
 * The OpenAPI paths for a set of path definitions. Each pattern is turned
 * into templated paths ("data/(?<path>.+)" → "/data/{path}"); optional parts
 * and alternations give several paths; patterns that cannot be written as a
 * template (a bare ".*" outside a named group, character classes) are left
 * out, as Vault does. A list operation is documented on the path with a
 * trailing slash, because it shares GET with read.
 */
export function openApiDocument(paths: readonly PathDefinition[], opts: OpenApiOptions): OpenApiPaths {
  const prefix = mountPrefix(opts.mountPath);
  const tag = opts.backendType === 'credential' ? 'auth' : 'secrets';
  const out: Record<string, OpenApiObject> = {};
  const usedIds = new Set<string>();

  for (const def of paths) {
    const expansions = expandPattern(def.pattern);
    if (expansions === null) continue;
    const captures = new Set(captureNamesOf(def.pattern));
    const fields: Record<string, FieldSchema> = {};
    for (const name of captures) fields[name] = { type: 'string', required: true };
    Object.assign(fields, def.fields ?? {});

    const handlers = new Map<Operation, OperationHandler>();
    for (const [op] of documentedOperations) {
      const raw = def.operations[op];
      if (raw === undefined) continue;
      const handler = typeof raw === 'function' ? { callback: raw } : raw;
      if (!handler.unpublished) handlers.set(op, handler);
    }
    if (handlers.size === 0) continue;

    const bases = [...new Set(expansions.map((p) => (p.endsWith('/') ? p.slice(0, -1) : p)))];
    for (const base of bases) {
      const nonList = [...handlers.keys()].filter((op) => op !== 'list');
      if (nonList.length > 0) {
        out[prefix + base] = pathItem(def, base, fields, captures, nonList, handlers, opts, tag, prefix + base, usedIds);
      }
      if (handlers.has('list')) {
        const listPath = base === '' ? base : `${base}/`;
        out[prefix + listPath] = pathItem(def, listPath, fields, captures, ['list'], handlers, opts, tag, prefix + listPath, usedIds);
      }
    }
  }
  return { paths: out };
}

function pathItem(
  def: PathDefinition,
  relativePath: string,
  fields: Record<string, FieldSchema>,
  captures: Set<string>,
  ops: Operation[],
  handlers: Map<Operation, OperationHandler>,
  opts: OpenApiOptions,
  tag: string,
  fullPath: string,
  usedIds: Set<string>,
): OpenApiObject {
  const item: OpenApiObject = {};
  if (def.helpSynopsis) item['description'] = def.helpSynopsis.trim();
  const pathParams = [...relativePath.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  if (pathParams.length > 0) {
    item['parameters'] = pathParams.map((name) => ({
      name,
      description: fields[name]?.description?.trim() ?? '',
      in: 'path',
      schema: paramSchema(fields[name] ?? { type: 'string' }),
      required: true,
    }));
  }
  const special = opts.specialPaths ?? {};
  if (matchesSpecialPath(relativePath, special.root ?? [])) item['x-vault-sudo'] = true;
  if (matchesSpecialPath(relativePath, special.unauthenticated ?? [])) item['x-vault-unauthenticated'] = true;
  if (def.existenceCheck && (handlers.has('create') || handlers.has('update'))) item['x-vault-createSupported'] = true;
  if (def.displayAttrs) item['x-vault-displayAttrs'] = { ...def.displayAttrs };

  const queryFields = Object.entries(fields).filter(([name, f]) => f.query && !captures.has(name));
  const bodyFields = Object.entries(fields).filter(([name, f]) => !f.query && !captures.has(name));

  for (const [op, method] of documentedOperations) {
    if (!ops.includes(op) || item[method] !== undefined) continue;
    // create and update share POST; update's description is the general one.
    const handler = op === 'create' && handlers.has('update') ? handlers.get('update')! : handlers.get(op)!;
    const operation: OpenApiObject = {
      summary: (handler.summary ?? def.helpSynopsis ?? '').trim(),
      operationId: uniqueId(operationVerb(op), fullPath, usedIds),
      tags: [tag],
    };
    const description = (handler.description ?? def.helpDescription ?? '').trim();
    if (description) operation['description'] = description;
    const parameters: OpenApiObject[] = queryFields.map(([name, f]) => ({
      name,
      description: f.description?.trim() ?? '',
      in: 'query',
      schema: paramSchema(f),
      ...(f.required ? { required: true } : {}),
      ...(f.deprecated ? { deprecated: true } : {}),
    }));
    if (op === 'list') {
      parameters.push({ name: 'list', description: 'Must be set to `true`', in: 'query', required: true, schema: { type: 'string', enum: ['true'] } });
    }
    if (parameters.length > 0) operation['parameters'] = parameters;
    if ((method === 'post' || method === 'patch') && bodyFields.length > 0) {
      const required = bodyFields.filter(([, f]) => f.required).map(([name]) => name);
      const schema: OpenApiObject = {
        type: 'object',
        properties: Object.fromEntries(bodyFields.map(([name, f]) => [name, fieldSchema(f)])),
      };
      if (required.length > 0) schema['required'] = required;
      const contentType = method === 'patch' ? 'application/merge-patch+json' : 'application/json';
      operation['requestBody'] = { required: required.length > 0, content: { [contentType]: { schema } } };
    }
    operation['responses'] = method === 'delete' ? { '204': { description: 'empty body' } } : { '200': { description: 'OK' } };
    if (handler.deprecated) operation['deprecated'] = true;
    item[method] = operation;
  }
  return item;
}

const typeMap: Record<FieldType, { type: string; format?: string; pattern?: string; items?: string }> = {
  string: { type: 'string' },
  header: { type: 'string' },
  name: { type: 'string', pattern: '\\w([\\w-.]*\\w)?' },
  'lowercase-string': { type: 'string', format: 'lowercase' },
  int: { type: 'integer' },
  int64: { type: 'integer', format: 'int64' },
  float: { type: 'number', format: 'float' },
  bool: { type: 'boolean' },
  duration: { type: 'integer', format: 'seconds' },
  map: { type: 'object', format: 'map' },
  kvpairs: { type: 'object', format: 'kvpairs' },
  slice: { type: 'array', items: 'object' },
  'string-slice': { type: 'array', items: 'string' },
  'comma-string-slice': { type: 'array', items: 'string' },
  'comma-int-slice': { type: 'array', items: 'integer' },
  time: { type: 'string', format: 'date-time' },
};

/** The JSON schema of one field, in Vault's type vocabulary. */
export function fieldSchema(field: FieldSchema): OpenApiObject {
  const t = typeMap[field.type] ?? { type: 'string' };
  const schema: OpenApiObject = { type: t.type };
  if (t.format) schema['format'] = t.format;
  if (t.pattern) schema['pattern'] = t.pattern;
  if (t.items) schema['items'] = { type: t.items };
  if (field.description) schema['description'] = field.description.trim();
  if (field.default !== undefined) schema['default'] = documentedDefault(field);
  if (field.allowedValues && field.allowedValues.length > 0) schema['enum'] = [...field.allowedValues];
  if (field.deprecated) schema['deprecated'] = true;
  if (field.displayAttrs) schema['x-vault-displayAttrs'] = { ...field.displayAttrs };
  return schema;
}

/** A parameter's schema: its description lives on the parameter itself. */
function paramSchema(field: FieldSchema): OpenApiObject {
  const { description: _description, ...schema } = fieldSchema(field);
  return schema;
}

function documentedDefault(field: FieldSchema): unknown {
  if (field.type !== 'duration') return field.default;
  try {
    return parseDuration(field.default);
  } catch {
    return field.default;
  }
}

/**
 * A whole OpenAPI document from several partial ones (later paths win on a
 * clash). The server builds sys/internal/specs/openapi with it, after
 * giving each mount's paths their prefix with prefixOpenApiPaths.
 */
export function mergeOpenApi(docs: readonly OpenApiPaths[], opts: { version?: string; title?: string } = {}): OpenApiDocument {
  const paths: Record<string, OpenApiObject> = {};
  for (const doc of docs) Object.assign(paths, doc.paths);
  const sorted = Object.fromEntries(Object.keys(paths).sort().map((k) => [k, paths[k]!]));
  return {
    openapi: '3.0.2',
    info: {
      title: opts.title ?? 'Coffer API',
      version: opts.version ?? '',
      description: 'HTTP API of Coffer, compatible with HashiCorp Vault. Every route is prefixed with `/v1/`.',
      license: { name: 'Mozilla Public License 2.0', url: 'https://www.mozilla.org/en-US/MPL/2.0' },
    },
    paths: sorted,
    components: { schemas: {} },
  };
}

/** Paths reported relative to a mount ("/data/{path}") put under that mount ("/secret/data/{path}"). */
export function prefixOpenApiPaths(doc: OpenApiPaths, mountPath: string): OpenApiPaths {
  const prefix = mountPrefix(mountPath);
  const paths: Record<string, OpenApiObject> = {};
  for (const [path, item] of Object.entries(doc.paths)) paths[prefix + path.replace(/^\//, '')] = item;
  return { paths };
}

function mountPrefix(mountPath: string): string {
  const trimmed = mountPath.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

function operationVerb(op: Operation): string {
  switch (op) {
    case 'read':
      return 'read';
    case 'list':
      return 'list';
    case 'delete':
      return 'delete';
    case 'patch':
      return 'patch';
    default:
      return 'write';
  }
}

function uniqueId(verb: string, fullPath: string, used: Set<string>): string {
  const slug = fullPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const base = slug === '' ? verb : `${verb}-${slug}`;
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}
