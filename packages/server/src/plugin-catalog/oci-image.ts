import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { CofferError } from '@coffer/sdk';
import { findTarEntry } from './tar-entry.js';

/** `registry.example.com[:port]/org/plugin[:tag][@sha256:…]`. */
export interface ImageRef {
  registry: string;
  repository: string;
  /** A tag or a "sha256:…" digest. */
  reference: string;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** What a manifest or an image index says that is used here. */
interface Manifest {
  manifests?: Array<{ digest: string; platform?: { os?: string; architecture?: string } }>;
  layers?: Array<{ digest: string; size?: number }>;
}

/** A layer larger than this is refused before it is downloaded (plugins are a few MiB). */
const MAX_LAYER_BYTES = 512 * 1024 * 1024;

/** Parses an image reference; without a tag or digest, `defaultTag` (the declared version) is used. */
export function parseImageRef(image: string, defaultTag: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const rest = at === -1 ? image : image.slice(0, at);
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new CofferError('invalid_request', `image "${image}" must name its registry, such as registry.example.com/org/plugin`);
  const registry = rest.slice(0, slash);
  let repository = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = repository.lastIndexOf(':');
  if (colon !== -1) {
    tag = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
  }
  const reference = digest ?? tag ?? defaultTag;
  if (!reference) throw new CofferError('invalid_request', `image "${image}" has no tag and the plugin no version: give one of them`);
  return { registry, repository, reference };
}

/** Loopback registries are spoken to over plain HTTP (as Docker allows); every other one over HTTPS. */
function baseUrl(ref: ImageRef): string {
  const host = ref.registry.replace(/:\d+$/, '');
  const plain = host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
  return `${plain ? 'http' : 'https'}://${ref.registry}/v2/${ref.repository}`;
}

/**
 * Downloads `binaryName` from an image and returns its bytes. Every blob is
 * checked against its digest; the caller checks the binary's own sha256.
 * Anonymous pulls only (a registry's Bearer challenge is answered with an
 * anonymous token, as public registries expect).
 */
export async function pullBinary(ref: ImageRef, binaryName: string, options: { timeoutMs?: number } = {}): Promise<Buffer> {
  const client = new RegistryClient(baseUrl(ref), options.timeoutMs ?? 60_000);
  let manifest = await client.manifest(ref.reference);
  if (Array.isArray(manifest.manifests)) {
    // An index: take this platform's image, else the first.
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    const entries = manifest.manifests;
    const chosen = entries.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ?? entries[0];
    if (!chosen) throw new CofferError('invalid_request', `image ${describe(ref)} is an empty index`);
    manifest = await client.manifest(chosen.digest);
  }
  // Later layers override earlier ones: look from the top.
  for (const layer of [...(manifest.layers ?? [])].reverse()) {
    if ((layer.size ?? 0) > MAX_LAYER_BYTES) {
      throw new CofferError('invalid_request', `image ${describe(ref)} has a layer of ${layer.size} bytes, more than a plugin image should hold (${MAX_LAYER_BYTES})`);
    }
    const blob = await client.blob(layer.digest);
    const tar = blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob;
    const found = findTarEntry(tar, (path) => path === binaryName || path.endsWith(`/${binaryName}`));
    if (found) return found;
  }
  throw new CofferError('invalid_request', `image ${describe(ref)} has no file named "${binaryName}" in its layers: set binary_name to the plugin's file name in the image`);
}

function describe(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}:${ref.reference}`;
}

class RegistryClient {
  private token: string | undefined;

  constructor(
    private readonly base: string,
    private readonly timeoutMs: number,
  ) {}

  async manifest(reference: string): Promise<Manifest> {
    const res = await this.get(`/manifests/${reference}`, MANIFEST_TYPES);
    return (await res.json()) as Manifest;
  }

  async blob(digest: string): Promise<Buffer> {
    const res = await this.get(`/blobs/${digest}`, '*/*');
    const bytes = Buffer.from(await res.arrayBuffer());
    const [algorithm, hex] = digest.split(':');
    if (algorithm !== 'sha256' || createHash('sha256').update(bytes).digest('hex') !== hex) {
      throw new CofferError('invalid_request', `blob ${digest} from ${this.base} does not match its digest`);
    }
    return bytes;
  }

  private async get(path: string, accept: string): Promise<Response> {
    let res = await this.fetch(path, accept);
    if (res.status === 401 && !this.token) {
      this.token = await anonymousToken(res.headers.get('www-authenticate'));
      if (this.token) res = await this.fetch(path, accept);
    }
    if (!res.ok) {
      throw new CofferError('invalid_request', `the registry answered ${res.status} for ${this.base}${path}${res.status === 404 ? ' (no such image, tag or blob)' : ''}`);
    }
    return res;
  }

  private async fetch(path: string, accept: string): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, {
        headers: { accept, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new CofferError('invalid_request', `cannot reach the registry at ${this.base}: ${(err as Error).message}`);
    }
  }
}

/** `Bearer realm="…",service="…",scope="…"` → an anonymous token from the realm. */
async function anonymousToken(challenge: string | null): Promise<string | undefined> {
  if (!challenge?.startsWith('Bearer ')) return undefined;
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  if (!params.realm) return undefined;
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  if (params.scope) url.searchParams.set('scope', params.scope);
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) return undefined;
  const body = (await res.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}
