import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoTemplate } from '../gotemplate/index.js';
import { pureFunctions } from './functions.js';

const fns = pureFunctions({ APP_ENV: 'prod' });
const render = (text: string, data?: unknown): Promise<string> => new GoTemplate('f', text, fns).execute(data);

describe('consul-template functions', () => {
  it('encode and decode', async () => {
    assert.equal(await render('{{ "aGVsbG8=" | base64Decode }} {{ "hi" | base64Encode }} {{ "aGk" | base64URLDecode }}'), 'hello aGk= hi');
    assert.equal(await render('{{ toJSON .m }}', { m: { b: '<x>', a: [1, 'two'] } }), '{"a":[1,"two"],"b":"\\u003cx\\u003e"}');
    assert.equal(await render('{{ toJSONPretty .m }}', { m: { k: 'v' } }), '{\n  "k": "v"\n}');
    assert.equal(await render('{{ with parseJSON "{\\"a\\":{\\"b\\":2}}" }}{{ .a.b }}{{ end }}'), '2');
    assert.equal(await render('{{ toYAML .m }}', { m: { k: 'v', n: 1 } }), 'k: v\nn: 1');
    assert.equal(await render('{{ sha256Hex "abc" }}'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    await assert.rejects(render('{{ base64Decode "!!" }}'), /error calling base64Decode: base64Decode: illegal base64 data/);
  });

  it('strings and lists in pipeline order', async () => {
    assert.equal(await render('{{ "a,b,c" | split "," | join "-" }}'), 'a-b-c');
    assert.equal(await render('{{ "foo.bar" | replaceAll "." "_" | toUpper }}'), 'FOO_BAR');
    assert.equal(await render('{{ "foo123" | regexReplaceAll "[0-9]+" "#" }} {{ "abc" | regexMatch "^a" }}'), 'foo# true');
    assert.equal(await render('{{ "  x  " | trimSpace }}|{{ "xxhixx" | trim "x" }}|{{ "pre-x" | trimPrefix "pre-" }}|{{ "x.txt" | trimSuffix ".txt" }}'), 'x|hi|x|x');
    assert.equal(await render('{{ "a\\nb" | indent 2 }}'), '  a\n  b');
    assert.equal(await render('{{ if .tags | contains "prod" }}yes{{ end }} {{ if in .tags "dev" }}dev{{ else }}no{{ end }}', { tags: ['prod'] }), 'yes no');
    assert.equal(await render('{{ containsAll .want .tags }} {{ containsAny .want .tags }}', { want: ['a', 'b'], tags: ['a'] }), 'false true');
  });

  it('maths in pipeline order, loop, parse functions', async () => {
    assert.equal(await render('{{ add 1 2 }} {{ 10 | subtract 3 }} {{ 10 | divide 4 }} {{ 10 | modulo 4 }} {{ multiply 3 4 }} {{ 5 | minimum 3 }} {{ 5 | maximum 3 }}'), '3 7 2 2 12 3 5');
    assert.equal(await render('{{ range loop 3 }}{{ . }}{{ end }} {{ range loop 2 4 }}{{ . }}{{ end }}'), '012 23');
    assert.equal(await render('{{ parseInt "42" | add 1 }} {{ parseBool "true" }} {{ parseFloat "1.5" }}'), '43 true 1.5');
    await assert.rejects(render('{{ divide 0 1 }}'), /division by zero/);
  });

  it('env and file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-fn-'));
    writeFileSync(join(dir, 'f'), 'file-content');
    assert.equal(await render(`{{ env "APP_ENV" }} {{ env "NOPE" }}|{{ file "${join(dir, 'f')}" }}`), 'prod |file-content');
    await assert.rejects(render(`{{ file "${join(dir, 'missing')}" }}`), /cannot read file .*missing.*ENOENT/);
    await assert.rejects(render('{{ mustEnv "NOPE" }}'), /environment variable NOPE is not set/);
  });
});
