import type { PathRules, Policy } from './policy.js';

/**
 * What a templated policy path may refer to: the requesting token's entity
 * and the groups it is in (directly or through nested groups). Built by the
 * identity store for each request.
 */
export interface IdentityTemplateContext {
  entity: {
    id: string;
    name: string;
    metadata: Record<string, string>;
    /** By mount accessor. */
    aliases: Record<string, { id: string; name: string; metadata: Record<string, string>; customMetadata: Record<string, string> }>;
  };
  groups: Array<{ id: string; name: string; metadata: Record<string, string> }>;
}

const TEMPLATE = /\{\{([^{}]*)\}\}/g;

/** Whether a policy path holds `{{identity...}}` parameters. */
export function isTemplatedPath(path: string): boolean {
  return path.includes('{{');
}

/** A reason the path's templates are malformed, or null (checked when a policy is written). */
export function templateSyntaxError(path: string): string | null {
  const stripped = path.replace(TEMPLATE, (_m, expr: string) => (expr.trim().startsWith('identity.') ? '' : '\u0000'));
  if (stripped.includes('\u0000')) return 'a template parameter must start with "identity."';
  if (stripped.includes('{{') || stripped.includes('}}')) return 'unbalanced "{{" or "}}" in a template parameter';
  return null;
}

/**
 * The path with every `{{...}}` replaced from the context, or null when any
 * of them cannot be resolved (no entity, an unknown key, a group the entity
 * is not in) or resolves to a value that would widen the path ("*", "+",
 * "..", or empty): such a rule matches nothing.
 */
export function resolveTemplatedPath(path: string, context: IdentityTemplateContext | undefined): string | null {
  if (!context) return null;
  let failed = false;
  const out = path.replace(TEMPLATE, (_m, expr: string) => {
    const value = lookup(expr.trim(), context);
    if (value === undefined || value === '' || /[*+]/.test(value) || value.includes('..')) failed = true;
    return value ?? '';
  });
  return failed ? null : out;
}

function lookup(expr: string, ctx: IdentityTemplateContext): string | undefined {
  const entityPrefix = 'identity.entity.';
  const groupIds = 'identity.groups.ids.';
  const groupNames = 'identity.groups.names.';
  if (expr.startsWith(entityPrefix)) {
    const rest = expr.slice(entityPrefix.length);
    if (rest === 'id') return ctx.entity.id;
    if (rest === 'name') return ctx.entity.name;
    if (rest.startsWith('metadata.')) return own(ctx.entity.metadata, rest.slice('metadata.'.length));
    if (rest.startsWith('aliases.')) {
      const [accessor, ...attr] = rest.slice('aliases.'.length).split('.');
      const alias = ctx.entity.aliases[accessor ?? ''];
      if (!alias || !Object.hasOwn(ctx.entity.aliases, accessor!)) return undefined;
      return attribute(attr.join('.'), alias);
    }
    return undefined;
  }
  if (expr.startsWith(groupIds)) {
    const rest = expr.slice(groupIds.length);
    const dot = rest.indexOf('.');
    const group = ctx.groups.find((g) => g.id === rest.slice(0, dot));
    return dot > 0 && group ? attribute(rest.slice(dot + 1), { ...group, customMetadata: {} }) : undefined;
  }
  if (expr.startsWith(groupNames)) {
    // Group names may hold dots: the attribute is what follows the name of a group the entity is in.
    const rest = expr.slice(groupNames.length);
    for (const group of ctx.groups) {
      if (rest.startsWith(`${group.name}.`)) return attribute(rest.slice(group.name.length + 1), { ...group, customMetadata: {} });
    }
    return undefined;
  }
  return undefined;
}

function attribute(attr: string, item: { id: string; name: string; metadata: Record<string, string>; customMetadata: Record<string, string> }): string | undefined {
  if (attr === 'id') return item.id;
  if (attr === 'name') return item.name;
  if (attr.startsWith('metadata.')) return own(item.metadata, attr.slice('metadata.'.length));
  if (attr.startsWith('custom_metadata.')) return own(item.customMetadata, attr.slice('custom_metadata.'.length));
  return undefined;
}

function own(map: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * The policies with their templated rules made concrete for one identity:
 * each templated rule becomes a plain rule on the resolved path, or is
 * dropped when it cannot be resolved.
 */
export function resolvePolicies(policies: readonly Policy[], context: IdentityTemplateContext | undefined, shape: (key: string) => Pick<PathRules, 'path' | 'isPrefix' | 'hasSegmentWildcards'>): Policy[] {
  return policies.map((policy) => {
    if (!policy.paths.some((r) => r.template !== undefined)) return policy;
    const paths: PathRules[] = [];
    for (const rule of policy.paths) {
      if (rule.template === undefined) {
        paths.push(rule);
        continue;
      }
      const resolved = resolveTemplatedPath(rule.template, context);
      if (resolved === null) continue;
      try {
        const { template: _unused, ...plain } = rule;
        paths.push({ ...plain, ...shape(resolved) });
      } catch {
        // A resolved path the parser refuses (such as "+*") grants nothing.
      }
    }
    return { ...policy, paths };
  });
}
