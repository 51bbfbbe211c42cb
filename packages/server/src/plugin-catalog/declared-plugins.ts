import type { Logger } from '@coffer/sdk';
import type { CatalogEntry } from './catalog-entry.js';
import type { PluginCatalog } from './catalog.js';
import type { PluginDirectory } from './plugin-directory.js';
import type { PluginType } from './plugin-type.js';
import { materializeImage } from './oci-plugin.js';
import { canonicalVersion } from './plugin-version.js';
import { prepareRegistration, type PluginInspector, type RuntimeResolver } from './registration.js';
import { verifySha256 } from './sha256.js';

/** A `plugin "TYPE" "NAME" { … }` stanza of the server configuration (config/plugin-stanza.ts). */
export interface PluginDeclaration {
  type: PluginType;
  name: string;
  command: string;
  version: string;
  sha256: string;
  args: string[];
  env: string[];
  /** "server.hcl line 12", for messages. */
  declaredAt?: string;
  /** An OCI image to pull the binary from (into plugin_directory/.oci-cache/); `command` is then where it lands. */
  image?: string;
  /** The binary's file name inside the image (default: the plugin's name). */
  binaryName?: string;
  /** A registered plugin runtime to run it in. */
  runtime?: string;
}

export type DeclarationStatus = 'registered' | 'updated' | 'unchanged' | 'failed';

export interface DeclarationOutcome {
  type: PluginType;
  name: string;
  version: string;
  status: DeclarationStatus;
  /** Why it failed: the same message a registration through the API would give. */
  error?: string;
}

export interface DeclarationDeps {
  directory: PluginDirectory;
  inspect: PluginInspector;
  /** Finds a runtime's limits; without it, a declaration naming a runtime fails. */
  resolveRuntime?: RuntimeResolver;
}

/**
 * Checks one declaration as a registration would (the file is inside
 * plugin_directory, its sha256 is the declared one, and, run once, it is the
 * declared type and version) and returns the catalog entry it makes. Stores
 * nothing: `coffer plugin init` uses it without a server.
 */
export async function checkDeclaration(declaration: PluginDeclaration, deps: DeclarationDeps): Promise<CatalogEntry> {
  const { type, name, command, version, sha256, args, env, runtime } = await withBinary(declaration, deps.directory);
  return prepareRegistration({ type, name, command, version, sha256, args, env, ...(runtime ? { runtime } : {}) }, deps);
}

/** The declaration with its binary in place: an `image` one is pulled first (once; see oci-plugin.ts). */
async function withBinary(declaration: PluginDeclaration, directory: PluginDirectory): Promise<PluginDeclaration> {
  if (!declaration.image) return declaration;
  const command = await materializeImage({ ...declaration, image: declaration.image }, directory);
  const { image: _pulled, ...rest } = declaration;
  return { ...rest, command };
}

/**
 * Registers or updates every declared plugin, at unseal, before any mount
 * starts. A declaration that cannot be honoured (file missing, sha256
 * different, not the declared type or version) is logged and skipped: the
 * server starts anyway, and whatever the catalog held for that plugin stays
 * as it was. Nothing is ever deregistered here: removing a stanza leaves the
 * registration (and the mounts using it) alone.
 *
 * A declaration identical to the catalog's entry only has its file's sha256
 * checked again, so an unchanged configuration does not start every plugin
 * at every unseal.
 */
export async function applyDeclarations(
  declarations: readonly PluginDeclaration[],
  deps: DeclarationDeps & { catalog: PluginCatalog; logger: Logger },
): Promise<DeclarationOutcome[]> {
  const outcomes: DeclarationOutcome[] = [];
  for (const declared of declarations) {
    const { type, name } = declared;
    const label = { plugin: name, type, version: declared.version || '(unversioned)', ...(declared.declaredAt ? { declared_at: declared.declaredAt } : {}) };
    try {
      const declaration = await withBinary(declared, deps.directory);
      const version = canonicalVersion(declaration.version);
      const existing = await deps.catalog.store.get(type, name, version);
      if (existing && sameEntry(existing, declaration)) {
        await verifySha256(await deps.directory.resolve(existing.command), existing.sha256, name);
        outcomes.push({ type, name, version, status: 'unchanged' });
        continue;
      }
      const entry = await checkDeclaration(declaration, deps);
      await deps.catalog.register(entry);
      const status = existing ? 'updated' : 'registered';
      outcomes.push({ type, name, version, status });
      deps.logger.info({ ...label, sha256: entry.sha256 }, `${status} declared plugin`);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      outcomes.push({ type, name, version: declared.version, status: 'failed', error });
      deps.logger.warn({ ...label, err: error }, `declared plugin ${type} "${name}" was not registered; the server starts without it (fix the file or the plugin stanza, then restart or run "coffer plugin init")`);
    }
  }
  return outcomes;
}

function sameEntry(entry: CatalogEntry, declaration: PluginDeclaration): boolean {
  return (
    entry.command === declaration.command &&
    entry.sha256 === declaration.sha256 &&
    (entry.runtime ?? '') === (declaration.runtime ?? '') &&
    sameList(entry.args, declaration.args) &&
    sameList(entry.env, declaration.env)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
