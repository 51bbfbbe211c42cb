import type { Backend, Storage } from '@coffer/sdk';
import type { MountEntry } from '../mounts/mount-entry.js';
import { routerPath } from '../mounts/mount-entry.js';

/** What the router knows of a mounted backend. */
export interface Route {
  entry: MountEntry;
  /** The router path ("secret/", "auth/userpass/"). */
  path: string;
  backend: Backend;
  storage: Storage;
  /** Glob-ish prefixes, already made absolute (with the mount path). */
  rootPaths: PathMatcher;
  unauthenticatedPaths: PathMatcher;
}

/**
 * Longest-prefix match over mounts. Mount counts are small (tens to a few
 * thousand), so a sorted array scanned longest-first is plenty; lookups
 * first try each '/'-prefix of the path in a map.
 */
export class Router {
  private readonly routes = new Map<string, Route>();

  mount(entry: MountEntry, backend: Backend, storage: Storage): Route {
    const path = routerPath(entry);
    const special = backend.specialPaths();
    const route: Route = {
      entry,
      path,
      backend,
      storage,
      rootPaths: new PathMatcher(special.root ?? []),
      unauthenticatedPaths: new PathMatcher(special.unauthenticated ?? []),
    };
    this.routes.set(path, route);
    return route;
  }

  /** Swap the backend behind a mount (plugin reload) without touching the table. */
  replaceBackend(path: string, backend: Backend): void {
    const route = this.routes.get(path);
    if (!route) return;
    const special = backend.specialPaths();
    route.backend = backend;
    route.rootPaths = new PathMatcher(special.root ?? []);
    route.unauthenticatedPaths = new PathMatcher(special.unauthenticated ?? []);
  }

  unmount(path: string): void {
    this.routes.delete(path);
  }

  /** Find the mount serving a request path ("secret/data/foo" → route "secret/"). */
  match(requestPath: string): Route | undefined {
    // Try every prefix that ends at a '/', longest first; also the path itself + '/' (a request to "secret" hits "secret/").
    const candidates: string[] = [];
    if (!requestPath.endsWith('/')) candidates.push(requestPath + '/');
    for (let i = requestPath.length; i > 0; i--) {
      if (requestPath[i - 1] === '/') candidates.push(requestPath.slice(0, i));
    }
    for (const candidate of candidates) {
      const route = this.routes.get(candidate);
      if (route) return route;
    }
    return undefined;
  }

  all(): Route[] {
    return [...this.routes.values()];
  }

  get(path: string): Route | undefined {
    return this.routes.get(path);
  }
}

/**
 * Matches paths against Vault-style special-path patterns relative to a
 * mount: an exact path, a trailing '*' prefix glob, or '+' for one segment.
 */
export class PathMatcher {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];
  private readonly segmentPatterns: RegExp[] = [];

  constructor(patterns: string[]) {
    for (const pattern of patterns) {
      if (pattern.includes('+')) {
        const body = pattern
          .split('/')
          .map((seg) => (seg === '+' ? '[^/]+' : escapeRegex(seg).replace(/\\\*$/, '.*')))
          .join('/');
        this.segmentPatterns.push(new RegExp(`^${body}$`));
      } else if (pattern.endsWith('*')) {
        this.prefixes.push(pattern.slice(0, -1));
      } else {
        this.exact.add(pattern);
      }
    }
  }

  matches(relativePath: string): boolean {
    if (this.exact.has(relativePath)) return true;
    for (const prefix of this.prefixes) if (relativePath.startsWith(prefix)) return true;
    for (const re of this.segmentPatterns) if (re.test(relativePath)) return true;
    return false;
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
