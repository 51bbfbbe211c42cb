import type { CoreModule } from '../core/modules/module.js';
import type { PluginHost, PluginSystem } from './plugin-system.js';

/**
 * The plugin catalog and external plugins as a core module: mounts resolve
 * through the catalog first, sys/plugins/* paths, the global-reload poller
 * while unsealed, and every plugin process stopped at seal.
 */
export function pluginModule(plugins: PluginSystem): CoreModule {
  return {
    name: 'plugins',
    needs: ['builtinSource', 'barrier', 'router', 'mounts'],
    provides: ['plugins'],
    async build(ctx) {
      const host: PluginHost = { barrier: ctx.get('barrier'), router: ctx.get('router'), mounts: ctx.get('mounts') };
      // Modules are all built before any starts, and the mount table loads at
      // its start: declared plugins are in the catalog before a mount needs them.
      await plugins.applyDeclaredPlugins(host);
      const source = plugins.wrapSource(ctx.get('builtinSource'), host);
      return {
        services: {
          plugins: {
            source,
            knownType: (kind, type) => plugins.knownType(kind, type),
            openDatabasePlugin: (name, version) => plugins.openDatabasePlugin(name, version),
          },
        },
        sysPaths: plugins.extraSysPaths(host),
        // Global reloads other nodes store reach this node through the change feed.
        invalidation: [plugins.invalidationHandler()],
        start: () => plugins.onUnsealed(host),
        stop: () => plugins.onSealing(host),
      };
    },
  };
}
