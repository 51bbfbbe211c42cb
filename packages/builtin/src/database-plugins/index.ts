import type { DatabasePlugin } from '@coffer/sdk';
import { MYSQL_FLAVOURS, MysqlDatabase } from './mysql/mysql-database.js';
import { POSTGRESQL_PLUGIN_NAME, PostgresqlDatabase } from './postgresql/postgresql-database.js';
import { REDIS_PLUGIN_NAME, RedisDatabase } from './redis/redis-database.js';

export { PostgresqlDatabase } from './postgresql/postgresql-database.js';
export { MysqlDatabase, MYSQL_FLAVOURS } from './mysql/mysql-database.js';
export { RedisDatabase } from './redis/redis-database.js';

/** The database plugins Coffer carries, by catalog name (Vault's names); each call makes one connection's instance. */
export const builtinDatabasePlugins: ReadonlyMap<string, () => DatabasePlugin> = new Map<string, () => DatabasePlugin>([
  [POSTGRESQL_PLUGIN_NAME, () => new PostgresqlDatabase()],
  ...MYSQL_FLAVOURS.map((flavour): [string, () => DatabasePlugin] => [flavour.name, () => new MysqlDatabase(flavour)]),
  [REDIS_PLUGIN_NAME, () => new RedisDatabase()],
]);

/** The version the built-in database plugins report (the catalog shows it as vX.Y.Z+builtin). */
export const BUILTIN_DATABASE_PLUGIN_VERSION = '0.1.0';
