import type { IdentityTemplateContext } from '../../policy/templating.js';

/** Claims the core sets; a role template may not set them (Vault's list). */
export const RESTRICTED_CLAIMS = ['iat', 'aud', 'exp', 'iss', 'sub', 'namespace'];

const TEMPLATE = /\{\{([^{}]*)\}\}/g;

/** A template as stored: JSON, or base64 of JSON (Vault accepts both). */
export function normaliseTemplate(raw: string): string {
  if (raw.trim() === '' || raw.trim().startsWith('{')) return raw;
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
  return decoded.trim().startsWith('{') ? decoded : raw;
}

/** Why a role template is unusable (not a JSON object once its parameters are filled, or a restricted claim), or null. */
export function templateProblem(template: string): string | null {
  if (template.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(template.replace(TEMPLATE, 'null'));
  } catch (err) {
    return `error parsing template JSON: ${(err as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'error parsing template JSON: the template must be a JSON object';
  const restricted = Object.keys(parsed).find((k) => RESTRICTED_CLAIMS.includes(k));
  return restricted ? `top level key "${restricted}" not allowed. Restricted keys: ${RESTRICTED_CLAIMS.join(', ')}` : null;
}

/**
 * The template's claims for one entity: each `{{...}}` becomes a JSON value
 * (a string, a map, a list, a number for time.now). Null when a parameter
 * cannot be filled: the template is then left out of the token, as Vault
 * does.
 */
export function renderClaims(template: string, ctx: IdentityTemplateContext, nowSeconds: number): Record<string, unknown> | null {
  if (template.trim() === '') return {};
  let failed = false;
  const text = template.replace(TEMPLATE, (_m, expr: string) => {
    const value = valueOf(expr.trim(), ctx, nowSeconds);
    if (value === undefined) failed = true;
    return JSON.stringify(value ?? null);
  });
  if (failed) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function valueOf(expr: string, ctx: IdentityTemplateContext, now: number): unknown {
  const e = ctx.entity;
  switch (expr) {
    case 'identity.entity.id':
      return e.id;
    case 'identity.entity.name':
      return e.name;
    case 'identity.entity.metadata':
      return e.metadata;
    case 'identity.entity.groups.ids':
      return ctx.groups.map((g) => g.id);
    case 'identity.entity.groups.names':
      return ctx.groups.map((g) => g.name);
    case 'time.now':
      return now;
  }
  if (expr.startsWith('identity.entity.metadata.')) return own(e.metadata, expr.slice('identity.entity.metadata.'.length));
  if (expr.startsWith('identity.entity.aliases.')) {
    const [accessor, ...rest] = expr.slice('identity.entity.aliases.'.length).split('.');
    if (!accessor || !Object.hasOwn(e.aliases, accessor)) return undefined;
    const alias = e.aliases[accessor]!;
    const attr = rest.join('.');
    if (attr === 'id') return alias.id;
    if (attr === 'name') return alias.name;
    if (attr === 'metadata') return alias.metadata;
    if (attr.startsWith('metadata.')) return own(alias.metadata, attr.slice('metadata.'.length));
    if (attr === 'custom_metadata') return alias.customMetadata;
    if (attr.startsWith('custom_metadata.')) return own(alias.customMetadata, attr.slice('custom_metadata.'.length));
    return undefined;
  }
  const shift = /^time\.now\.(plus|minus)\.(\d+)([smhd]?)$/.exec(expr);
  if (shift) {
    const amount = Number(shift[2]) * ({ s: 1, m: 60, h: 3600, d: 86400, '': 1 } as Record<string, number>)[shift[3]!]!;
    return shift[1] === 'plus' ? now + amount : now - amount;
  }
  return undefined;
}

function own(map: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
