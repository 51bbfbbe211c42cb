import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClaimError, extractMetadata, getClaim, globMatch, validateBoundClaims } from './claims.js';
import { isAllowedRedirect } from './redirect-uri.js';

describe('claims', () => {
  it('reads claims by name or JSON pointer', () => {
    const claims = { a: 1, 'x/y': 'slash', nested: { list: ['p', 'q'], 'k~e/y': true } };
    assert.equal(getClaim(claims, 'a'), 1);
    assert.equal(getClaim(claims, '/nested/list/1'), 'q');
    assert.equal(getClaim(claims, '/nested/k~0e~1y'), true);
    assert.equal(getClaim(claims, '/x~1y'), 'slash');
    assert.equal(getClaim(claims, '/nested/missing'), undefined);
    assert.equal(getClaim(claims, '/nested/list/9'), undefined);
    assert.equal(getClaim(claims, 'toString'), undefined, 'only own claims');
  });

  it('matches globs like go-glob: only * is special', () => {
    assert.ok(globMatch('*@example.com', 'ann@example.com'));
    assert.ok(globMatch('repo:acme/*:ref:main', 'repo:acme/app:ref:main'));
    assert.ok(globMatch('a*b*c', 'abc'));
    assert.ok(globMatch('*', ''));
    assert.equal(globMatch('a*a', 'a'), false);
    assert.equal(globMatch('*@example.com', 'ann@example.com.evil'), false);
    assert.equal(globMatch('a.c', 'abc'), false);
    assert.equal(globMatch('?', 'x'), false);
  });

  it('checks bound claims: any listed value, lists on either side, types kept apart', () => {
    const claims = { groups: ['dev', 'ops'], admin: true, level: 3, email: 'a@b.c' };
    validateBoundClaims({ groups: ['ops', 'sec'], admin: true, level: 3 }, 'string', claims);
    assert.throws(() => validateBoundClaims({ level: '3' }, 'string', claims), ClaimError);
    assert.throws(() => validateBoundClaims({ missing: 'x' }, 'string', claims), /claim "missing" is missing/);
    validateBoundClaims({ email: '*@b.c' }, 'glob', claims);
    assert.throws(() => validateBoundClaims({ email: '*@b.c' }, 'string', claims), /does not match any associated bound claim values/);
  });

  it('maps string claims to metadata, and refuses others', () => {
    assert.deepEqual(extractMetadata({ e: 'x', n: { id: 'y' } }, { e: 'email', '/n/id': 'id', absent: 'z' }), { email: 'x', id: 'y' });
    assert.throws(() => extractMetadata({ e: 5 }, { e: 'email' }), /error converting claim 'e' to string/);
  });
});

describe('redirect URIs', () => {
  it('matches loopback URIs on any port and others exactly', () => {
    const allowed = ['http://localhost:8250/oidc/callback', 'https://app.example/cb'];
    assert.ok(isAllowedRedirect('http://localhost:51234/oidc/callback', allowed));
    assert.ok(isAllowedRedirect('http://localhost/oidc/callback', allowed));
    assert.equal(isAllowedRedirect('http://localhost:8250/other', allowed), false);
    assert.equal(isAllowedRedirect('http://127.0.0.1:8250/oidc/callback', allowed), false, 'the host must match');
    assert.ok(isAllowedRedirect('https://app.example/cb', allowed));
    assert.equal(isAllowedRedirect('https://app.example:8443/cb', allowed), false);
    assert.equal(isAllowedRedirect('https://app.example/cb?x=1', allowed), false);
    assert.equal(isAllowedRedirect('not a url', allowed), false);
  });
});
