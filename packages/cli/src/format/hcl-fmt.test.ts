import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatHcl, HclFormatError } from './hcl-fmt.js';

describe('formatHcl', () => {
  it('indents, spaces and aligns', () => {
    const out = formatHcl('path    "secret/*"{\ncapabilities=["read","list" ]\n  min_wrapping_ttl   =  "1h" # why\n}\n');
    assert.equal(out, 'path "secret/*" {\n  capabilities     = ["read", "list"]\n  min_wrapping_ttl = "1h" # why\n}\n');
  });

  it('keeps strings, comments and heredocs exactly', () => {
    const src = '# keep   this\npath "a  b={x}" {\n  description = <<EOT\n  keep   me\nEOT\n}\n';
    assert.equal(formatHcl(src), src);
  });

  it('collapses blank lines and is idempotent', () => {
    const once = formatHcl('\n\npath "a" {\n\n\n  capabilities = ["read"]\n}\n\n\npath "b" {\n}\n');
    assert.equal(once, 'path "a" {\n\n  capabilities = ["read"]\n}\n\npath "b" {\n}\n');
    assert.equal(formatHcl(once), once);
  });

  it('indents multi-line lists and nested blocks', () => {
    const out = formatHcl('path "x" {\ncapabilities = [\n"read",\n]\nallowed_parameters = {\n"k" = []\n}\n}\n');
    assert.equal(out, 'path "x" {\n  capabilities = [\n    "read",\n  ]\n  allowed_parameters = {\n    "k" = []\n  }\n}\n');
  });

  it('rejects unbalanced brackets and unterminated strings', () => {
    assert.throws(() => formatHcl('path "a" {'), HclFormatError);
    assert.throws(() => formatHcl('}'), HclFormatError);
    assert.throws(() => formatHcl('path "a {'), HclFormatError);
  });
});
