import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ui } from '../cli/ui.js';
import { fakeIo } from '../testing/fake-io.js';
import { columnOutput, tableOutput } from './columns.js';
import { goJson } from './go-json.js';
import { goQuotedList, goValue } from './go-value.js';
import { goYaml } from './go-yaml.js';
import { outputData, outputList, outputSecret, printRawField } from './output.js';

function capture(format: string, tty = false): { ui: Ui; out: () => string; err: () => string } {
  const io = fakeIo({ tty });
  return { ui: new Ui(io, format), out: () => io.stdout.text, err: () => io.stderr.text };
}

describe('columns', () => {
  it('pads every column but the last and shows empty cells as n/a', () => {
    assert.equal(
      tableOutput(['Key | Value', 'deletion_time | ', 'version | 1']),
      ['Key              Value', '---              -----', 'deletion_time    n/a', 'version          1'].join('\n'),
    );
    assert.equal(columnOutput(['Key Term | 3', 'Install Time | x']), 'Key Term        3\nInstall Time    x');
  });
});

describe('Go value rendering', () => {
  it('prints values as Go %v does', () => {
    assert.equal(goValue(null), '<nil>');
    assert.equal(goValue(['a', 'b']), '[a b]');
    assert.equal(goValue({ b: 1, a: 'x' }), 'map[a:x b:1]');
    assert.equal(goValue(true), 'true');
    assert.equal(goQuotedList(['default', 'ops']), '["default" "ops"]');
    assert.equal(goQuotedList([]), '[]');
  });

  it('prints JSON like Go: sorted map keys, ordered structs, HTML characters escaped', () => {
    assert.equal(goJson({ b: 1, a: '<&>' }), '{\n  "a": "\\u003c\\u0026\\u003e",\n  "b": 1\n}');
    assert.equal(goJson(new Map<string, unknown>([['z', 1], ['a', []]])), '{\n  "z": 1,\n  "a": []\n}');
    assert.equal(goJson({}), '{}');
  });

  it('prints YAML with sorted keys and unindented sequences', () => {
    assert.equal(goYaml(new Map<string, unknown>([['b', ['x']], ['a', null]])), 'a: null\nb:\n- x');
  });
});

const kvSecret = {
  request_id: 'r1',
  lease_id: '',
  lease_duration: 0,
  renewable: false,
  data: { foo: 'bar', ttl: 3600 },
  warnings: null,
};

describe('outputSecret', () => {
  it('prints data keys sorted with durations humanised', () => {
    const c = capture('table');
    assert.equal(outputSecret(c.ui, kvSecret), 0);
    assert.equal(c.out(), 'Key    Value\n---    -----\nfoo    bar\nttl    1h\n');
  });

  it('prints lease rows, or refresh_interval when there is no lease id', () => {
    const leased = capture('table');
    outputSecret(leased.ui, { lease_id: 'db/creds/x/abc', lease_duration: 2764800, renewable: true, data: { username: 'u' } });
    assert.match(leased.out(), /^lease_id\s+db\/creds\/x\/abc$/m);
    assert.match(leased.out(), /^lease_duration\s+768h$/m);
    assert.match(leased.out(), /^lease_renewable\s+true$/m);
    const kv = capture('table');
    outputSecret(kv.ui, { lease_duration: 2764800, data: { a: 'b' } });
    assert.match(kv.out(), /^refresh_interval\s+768h$/m);
    assert.doesNotMatch(kv.out(), /lease_id/);
  });

  it('prints auth rows in Vault order, with an infinite duration for root', () => {
    const c = capture('table');
    outputSecret(c.ui, {
      auth: {
        client_token: 's.tok',
        accessor: 'acc',
        lease_duration: 0,
        renewable: false,
        policies: ['root'],
        token_policies: ['root'],
        identity_policies: null,
        metadata: { user: 'alice' },
      },
    });
    const keys = c
      .out()
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(keys, [
      'token',
      'token_accessor',
      'token_duration',
      'token_renewable',
      'token_policies',
      'identity_policies',
      'policies',
      'token_meta_user',
    ]);
    assert.match(c.out(), /^token_duration\s+∞$/m);
    assert.match(c.out(), /^token_policies\s+\["root"\]$/m);
    assert.match(c.out(), /^identity_policies\s+\[\]$/m);
  });

  it('prints warnings on stderr before the table', () => {
    const c = capture('table');
    outputSecret(c.ui, { data: { a: 'b' }, warnings: ['careful now'] });
    assert.equal(c.err(), 'WARNING! The following warnings were returned from Coffer:\n\n  * careful now\n\n');
  });

  it('prints the response envelope as JSON in Vault field order', () => {
    const c = capture('json');
    outputSecret(c.ui, { ...kvSecret, mount_type: 'kv' });
    const text = c.out();
    assert.deepEqual(Object.keys(JSON.parse(text)), ['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings', 'mount_type']);
    assert.ok(text.startsWith('{\n  "request_id": "r1",\n'));
  });

  it('prints YAML', () => {
    const c = capture('yaml');
    outputSecret(c.ui, kvSecret);
    assert.match(c.out(), /^data:\n {2}foo: bar\n {2}ttl: 3600\n/m);
    assert.match(c.out(), /^request_id: r1$/m);
  });
});

describe('outputList', () => {
  it('prints sorted keys under a Keys header, or the array as JSON', () => {
    const secret = { data: { keys: ['b', 'a/'] } };
    const t = capture('table');
    outputList(t.ui, secret);
    assert.equal(t.out(), 'Keys\n----\na/\nb\n');
    const j = capture('json');
    outputList(j.ui, secret);
    assert.deepEqual(JSON.parse(j.out()), ['b', 'a/']);
  });

  it('adds key_info columns with -detailed', () => {
    const t = capture('table');
    outputList(t.ui, { data: { keys: ['r1'], key_info: { r1: { ttl: 60, name: 'x' } } } }, true);
    assert.equal(t.out(), 'Keys    name    ttl\n----    ----    ---\nr1      x       1m\n');
  });
});

describe('outputData', () => {
  it('prints maps as Key/Value tables', () => {
    const c = capture('table');
    outputData(c.ui, { sha256: '', args: [], builtin: false });
    assert.equal(c.out(), 'Key        Value\n---        -----\nargs       []\nbuiltin    false\nsha256     n/a\n');
  });
});

describe('printRawField', () => {
  const secret = { data: { password: 's3cret', n: 5 }, auth: null };

  it('prints the raw value without a newline when piped', () => {
    const c = capture('table');
    assert.equal(printRawField(c.ui, { secret }, 'password'), 0);
    assert.equal(c.out(), 's3cret');
  });

  it('adds a newline on a terminal', () => {
    const c = capture('table', true);
    printRawField(c.ui, { secret }, 'password');
    assert.equal(c.out(), 's3cret\n');
  });

  it('finds token fields in auth responses', () => {
    const c = capture('table');
    printRawField(c.ui, { secret: { auth: { client_token: 'tok' } } }, 'token');
    assert.equal(c.out(), 'tok');
  });

  it('JSON-encodes the value with -format=json', () => {
    const c = capture('json');
    printRawField(c.ui, { secret }, 'password');
    assert.equal(c.out(), '"s3cret"');
  });

  it('fails with exit 1 for a missing field', () => {
    const c = capture('table');
    assert.equal(printRawField(c.ui, { secret }, 'nope'), 1);
    assert.equal(c.err(), 'Field "nope" not present in secret\n');
  });
});
