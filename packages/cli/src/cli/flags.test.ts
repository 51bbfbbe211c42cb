import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagError, parseCommandLine, type FlagSpec } from './flags.js';

const specs: FlagSpec[] = [
  { name: 'field', kind: 'string', usage: '' },
  { name: 'format', kind: 'string', usage: '' },
  { name: 'detailed', kind: 'bool', usage: '' },
  { name: 'renewable', kind: 'bool', default: true, usage: '' },
  { name: 'version', kind: 'int', default: 0, usage: '' },
  { name: 'ttl', kind: 'duration', usage: '' },
  { name: 'policy', kind: 'slice', usage: '' },
  { name: 'env', kind: 'list', usage: '' },
  { name: 'metadata', kind: 'map', usage: '' },
  { name: 'namespace', aliases: ['ns'], kind: 'string', usage: '' },
];

describe('parseCommandLine', () => {
  it('accepts single-dash and double-dash long flags, with = or a separate value', () => {
    const a = parseCommandLine(['-field=password', '--format', 'json', 'secret/foo'], specs);
    assert.equal(a.flags.string('field'), 'password');
    assert.equal(a.flags.string('format'), 'json');
    assert.deepEqual(a.args, ['secret/foo']);
    const b = parseCommandLine(['--field=x', '-format=yaml'], specs);
    assert.equal(b.flags.string('field'), 'x');
    assert.equal(b.flags.string('format'), 'yaml');
  });

  it('reads booleans as -flag or -flag=false, never from the next argument', () => {
    const a = parseCommandLine(['-detailed', 'true'], specs);
    assert.equal(a.flags.bool('detailed'), true);
    assert.deepEqual(a.args, ['true']);
    assert.equal(parseCommandLine(['-renewable=false'], specs).flags.bool('renewable'), false);
    assert.equal(parseCommandLine([], specs).flags.bool('renewable'), true, 'default applies');
    assert.equal(parseCommandLine(['--detailed=0'], specs).flags.bool('detailed'), false);
  });

  it('accepts flags after positional arguments', () => {
    const a = parseCommandLine(['secret/foo', '-field=bar', 'a=b'], specs);
    assert.equal(a.flags.string('field'), 'bar');
    assert.deepEqual(a.args, ['secret/foo', 'a=b']);
  });

  it('keeps "-" and everything after "--" as arguments', () => {
    const a = parseCommandLine(['policy', '-', '--', '-field=x'], specs);
    assert.deepEqual(a.args, ['policy', '-', '-field=x']);
    assert.equal(a.flags.isSet('field'), false);
  });

  it('rejects unknown flags before arguments like Go, keeps them as arguments after', () => {
    assert.throws(() => parseCommandLine(['-bogus', 'x'], specs), (err: Error) => {
      assert.ok(err instanceof FlagError);
      assert.equal(err.message, 'flag provided but not defined: -bogus');
      return true;
    });
    assert.deepEqual(parseCommandLine(['x', '-bogus'], specs).args, ['x', '-bogus']);
  });

  it('reports missing and malformed values with Go flag messages', () => {
    assert.throws(() => parseCommandLine(['-field'], specs), /^FlagError: flag needs an argument: -field$/);
    assert.throws(() => parseCommandLine(['-version=abc'], specs), /invalid value "abc" for flag -version: parse error/);
    assert.throws(() => parseCommandLine(['-detailed=maybe'], specs), /invalid boolean value "maybe" for -detailed: parse error/);
    assert.throws(() => parseCommandLine(['-ttl=soon'], specs), /invalid value "soon" for flag -ttl: time: invalid duration/);
    assert.throws(() => parseCommandLine(['-metadata=novalue'], specs), /missing = in KV pair/);
  });

  it('parses ints, durations, slices, lists and maps', () => {
    const a = parseCommandLine(
      ['-version', '3', '-ttl=1h30m', '-policy=a,b', '-policy', 'c', '-env=A=1,2', '-env=B=2', '-metadata', 'k=v', '-metadata=x=y=z'],
      specs,
    );
    assert.equal(a.flags.int('version'), 3);
    assert.equal(a.flags.duration('ttl'), 5400);
    assert.deepEqual(a.flags.list('policy'), ['a', 'b', 'c']);
    assert.deepEqual(a.flags.list('env'), ['A=1,2', 'B=2']);
    assert.deepEqual(a.flags.map('metadata'), { k: 'v', x: 'y=z' });
    assert.equal(parseCommandLine(['-ttl=30'], specs).flags.duration('ttl'), 30, 'bare numbers are seconds');
  });

  it('lets the last value of a single-valued flag win, and resolves aliases', () => {
    const a = parseCommandLine(['-field=a', '-field=b', '-ns=team'], specs);
    assert.equal(a.flags.string('field'), 'b');
    assert.equal(a.flags.string('namespace'), 'team');
  });

  it('detects -h, -help and --help anywhere before "--"', () => {
    assert.equal(parseCommandLine(['secret/foo', '-h'], specs).help, true);
    assert.equal(parseCommandLine(['--help'], specs).help, true);
    assert.equal(parseCommandLine(['-help'], specs).help, true);
    assert.equal(parseCommandLine(['--', '-h'], specs).help, false);
  });

  it('keeps a value that starts with a dash when it follows a flag', () => {
    const a = parseCommandLine(['-version', '-1'], [{ name: 'version', kind: 'int', usage: '' }]);
    assert.equal(a.flags.int('version'), -1);
  });
});
