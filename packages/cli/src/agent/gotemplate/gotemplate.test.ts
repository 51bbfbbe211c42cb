import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GoTemplate, TemplateError } from './index.js';
import { sprintf } from './printf.js';

const funcs = {
  upper: (s: unknown) => String(s).toUpperCase(),
  join: (sep: unknown, list: unknown) => (list as unknown[]).join(String(sep)),
  fetch: async (k: unknown) => ({ Data: { value: `v-${String(k)}` } }),
  fail: () => {
    throw new Error('it broke');
  },
};

async function render(text: string, data: unknown = {}, missingKeyError = false): Promise<string> {
  return new GoTemplate('t.tmpl', text, funcs).execute(data, { missingKeyError });
}

async function renderError(text: string, data: unknown = {}, missingKeyError = false): Promise<string> {
  try {
    await render(text, data, missingKeyError);
  } catch (err) {
    assert.ok(err instanceof TemplateError, `expected a TemplateError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected an error');
}

describe('Go templates: text and fields', () => {
  it('prints text, fields, nested maps and <no value> for missing keys', async () => {
    const data = { Data: { data: { password: 's3cr3t', n: 5, list: ['a', 'b'] } } };
    assert.equal(await render('pw={{ .Data.data.password }}', data), 'pw=s3cr3t');
    assert.equal(await render('{{.Data.data.n}} {{ .Data.data.list }}', data), '5 [a b]');
    assert.equal(await render('{{ .Data.data.missing }}', data), '<no value>');
    assert.equal(await render('{{ .Data.data }}', { Data: { data: { b: 1, a: 'x' } } }), 'map[a:x b:1]');
  });

  it('missingkey=error names the key and the position', async () => {
    const msg = await renderError('line1\n  {{ .Data.nope }}', { Data: {} }, true);
    assert.equal(msg, 'template: t.tmpl:2:6: executing "t.tmpl" at <.Data.nope>: map has no entry for key "nope"');
  });

  it('a field of a nil value is an error, as in Go', async () => {
    assert.match(await renderError('{{ .a.b }}', { a: null }), /nil pointer evaluating interface \{\}\.b/);
    assert.match(await renderError('{{ .a.b }}', { a: 'str' }), /can't evaluate field b in type string/);
  });

  it('trims white space with {{- and -}} and drops comments', async () => {
    assert.equal(await render('a  \n {{- "b" -}} \n  c'), 'abc');
    assert.equal(await render('x{{/* a comment */}}y {{- /* trimmed */ -}} z'), 'xyz');
  });

  it('custom delimiters leave the default ones as text', async () => {
    const t = new GoTemplate('d', '[[ .a ]] {{ .a }}', {}, { left: '[[', right: ']]' });
    assert.equal(await t.execute({ a: 1 }), '1 {{ .a }}');
  });
});

describe('Go templates: actions', () => {
  it('if / else if / else', async () => {
    const t = '{{ if eq .x 1 }}one{{ else if eq .x 2 }}two{{ else }}many{{ end }}';
    assert.equal(await render(t, { x: 1 }), 'one');
    assert.equal(await render(t, { x: 2 }), 'two');
    assert.equal(await render(t, { x: 3 }), 'many');
    assert.equal(await render('{{ if .e }}y{{ else }}n{{ end }}', { e: [] }), 'n');
    assert.equal(await render('{{ if and .a (not .b) }}y{{ end }}', { a: 1, b: '' }), 'y');
    assert.equal(await render('{{ or .a .b "default" }}', { a: '', b: 0 }), 'default');
  });

  it('and/or stop evaluating at the deciding argument', async () => {
    assert.equal(await render('{{ if or true (fail) }}ok{{ end }}'), 'ok');
    assert.equal(await render('{{ and false (fail) }}'), 'false');
  });

  it('with changes dot and has else / else with', async () => {
    assert.equal(await render('{{ with .s }}{{ .v }}{{ end }}', { s: { v: 'in' } }), 'in');
    assert.equal(await render('{{ with .none }}x{{ else with .s }}{{ .v }}{{ else }}z{{ end }}', { s: { v: 'w' } }), 'w');
    assert.equal(await render('{{ with .none }}x{{ else }}z{{ end }}', {}), 'z');
  });

  it('range over lists, maps (sorted), ints, with variables, else, break and continue', async () => {
    assert.equal(await render('{{ range .l }}<{{ . }}>{{ end }}', { l: ['a', 'b'] }), '<a><b>');
    assert.equal(await render('{{ range $i, $e := .l }}{{ $i }}={{ $e }};{{ end }}', { l: ['a', 'b'] }), '0=a;1=b;');
    assert.equal(await render('{{ range $k, $v := .m }}{{ $k }}:{{ $v }} {{ end }}', { m: { z: 1, a: 2 } }), 'a:2 z:1 ');
    assert.equal(await render('{{ range $v := .l }}{{ $v }}{{ end }}', { l: [1, 2] }), '12');
    assert.equal(await render('{{ range .l }}x{{ else }}empty{{ end }}', { l: [] }), 'empty');
    assert.equal(await render('{{ range 3 }}{{ . }}{{ end }}'), '012');
    assert.equal(await render('{{ range .l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}', { l: [1, 2, 3, 4, 5] }), '13');
    assert.equal(await render('{{ range .l }}{{ $.top }}{{ end }}', { l: [1, 2], top: 'T' }), 'TT');
  });

  it('variables: declare, assign, scope', async () => {
    assert.equal(await render('{{ $x := "a" }}{{ $x }}{{ $x = "b" }}{{ $x }}'), 'ab');
    assert.equal(await render('{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}'), '21');
    assert.equal(await render('{{ $x := 1 }}{{ range .l }}{{ $x = . }}{{ end }}{{ $x }}', { l: [7, 8] }), '8');
    assert.match(await renderError('{{ $nope }}'), /undefined variable: \$nope/);
  });

  it('define, template and block', async () => {
    assert.equal(await render('{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" "a" }}{{ template "x" .v }}', { v: 2 }), '[a][2]');
    assert.equal(await render('{{ block "b" .v }}<{{ . }}>{{ end }}', { v: 'blk' }), '<blk>');
    assert.match(await renderError('{{ template "missing" }}'), /no such template "missing"/);
  });

  it('pipelines pass the value as the last argument; parentheses and field chains', async () => {
    assert.equal(await render('{{ .s | upper }}', { s: 'abc' }), 'ABC');
    assert.equal(await render('{{ .l | join "," | upper }}', { l: ['a', 'b'] }), 'A,B');
    assert.equal(await render('{{ (fetch "k").Data.value }}'), 'v-k');
    assert.equal(await render('{{ with fetch "z" }}{{ .Data.value }}{{ end }}'), 'v-z');
    assert.equal(await render('{{ printf "%s-%d" .a 3 | upper }}', { a: 'x' }), 'X-3');
  });
});

describe('Go templates: literals', () => {
  it('numbers, strings, raw strings, characters, booleans and nil', async () => {
    assert.equal(await render('{{ 1.5 }} {{ -3 }} {{ 0x1F }} {{ 1e3 }} {{ 017 }} {{ 1_000 }}'), '1.5 -3 31 1000 15 1000');
    assert.equal(await render('{{ "tab\\there" }}|{{ `raw \\n` }}|{{ \'a\' }}|{{ true }}|{{ print nil }}'), 'tab\there|raw \\n|97|true|<nil>');
    assert.match(await renderError('{{ nil }}'), /nil is not a command/);
  });
});

describe('Go templates: builtins', () => {
  it('comparison functions', async () => {
    assert.equal(await render('{{ eq 1 2 1 }} {{ ne "a" "b" }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1 2 }}'), 'true true true true true false');
    assert.match(await renderError('{{ eq 1 "a" }}'), /error calling eq: incompatible types for comparison/);
  });

  it('len, index, slice, print, println, html, js, urlquery', async () => {
    const data = { l: ['a', 'b', 'c'], m: { k: 'v' } };
    assert.equal(await render('{{ len .l }} {{ index .l 1 }} {{ index .m "k" }} {{ slice .l 1 2 }} {{ slice "hello" 1 3 }}', data), '3 b v [b] el');
    assert.equal(await render('{{ print 1 2 "a" 3 }}|{{ println "x" 1 }}'), '1 2a3|x 1\n');
    assert.equal(await render('{{ html "<a href=\'x\'>" }} {{ js "it\'s" }} {{ urlquery "a b&c" }}'), '&lt;a href=&#39;x&#39;&gt; it\\\'s a+b%26c');
    assert.match(await renderError('{{ index .l 5 }}', data), /index out of range: 5/);
  });

  it('printf verbs', () => {
    assert.equal(sprintf('%s|%d|%5d|%-4s|%05.2f|%q|%v|%t|%x|%%', ['a', 42, 7, 'ab', 3.14159, 'q"', [1, 'b'], true, 255]), 'a|42|    7|ab  |03.14|"q\\""|[1 b]|true|ff|%');
    assert.equal(sprintf('%d %s', [1]), '1 %!s(MISSING)');
    assert.equal(sprintf('%d', ['x']), '%!d(string=x)');
  });

  it('function errors name the function and position', async () => {
    assert.equal(await renderError('a\nb {{ fail }}'), 'template: t.tmpl:2:6: executing "t.tmpl" at <fail>: error calling fail: it broke');
  });
});

describe('Go templates: parse errors name the template and line', () => {
  const parseFails = (text: string): string => {
    try {
      new GoTemplate('app.ctmpl', text, funcs);
    } catch (err) {
      assert.ok(err instanceof TemplateError);
      return err.message;
    }
    assert.fail('expected a parse error');
  };

  it('unknown functions', () => {
    assert.equal(parseFails('ok\n{{ nosuchfunc "x" }}'), 'template: app.ctmpl:2: function "nosuchfunc" not defined');
  });

  it('unclosed actions, missing end, stray end, bad operands', () => {
    assert.match(parseFails('{{ .a '), /app\.ctmpl:1: unclosed action/);
    assert.match(parseFails('{{ if .a }}x'), /app\.ctmpl:1: unexpected EOF in \{\{if\}\}/);
    assert.match(parseFails('x\n{{ end }}'), /app\.ctmpl:2: unexpected \{\{end\}\}/);
    assert.match(parseFails('{{ break }}'), /\{\{break\}\} outside \{\{range\}\}/);
    assert.match(parseFails('{{ "a" "b }}'), /unterminated quoted string/);
    assert.match(parseFails('{{ .a ) }}'), /unexpected right paren/);
  });
});
