import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '@coffer/sdk';
import { parseMysqlDsn } from './dsn.js';

describe('MySQL connection_url', () => {
  it('reads Go DSNs with templates, any password characters, unix sockets and params', () => {
    assert.deepEqual(parseMysqlDsn('{{username}}:{{password}}@tcp(db.example:3307)/app?tls=true', 'admin', 'p@ss:w/rd)'), {
      host: 'db.example',
      port: 3307,
      user: 'admin',
      password: 'p@ss:w/rd)',
      database: 'app',
      params: { tls: 'true' },
    });
    const socket = parseMysqlDsn('root@unix(/run/mysqld/mysqld.sock)/', '', '');
    assert.equal(socket.socketPath, '/run/mysqld/mysqld.sock');
    assert.equal(socket.user, 'root');
    assert.equal(parseMysqlDsn('u:p@tcp([::1]:3306)/', '', '').host, '::1');
    assert.equal(parseMysqlDsn('u:p@/', '', '').port, 3306);
  });

  it('reads mysql:// URLs with templates', () => {
    const t = parseMysqlDsn('mysql://{{username}}:{{password}}@127.0.0.1:3306/db', 'admin', 'se cret');
    assert.deepEqual([t.host, t.port, t.user, t.password, t.database], ['127.0.0.1', 3306, 'admin', 'se cret', 'db']);
  });

  it('refuses a typo with a hint', () => {
    for (const bad of ['u:p@tcp(127.0.0.1:3306', 'u:p@tcp(127.0.0.1:x)/', 'mysql://[bad']) {
      assert.throws(() => parseMysqlDsn(bad, '', ''), (err: unknown) => isCofferError(err) && /not a valid MySQL DSN/.test(err.message), bad);
    }
  });
});
