import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestFramer } from './list-method-framing.js';

/** Feeds the framer the stream cut at the given positions; returns the bytes as rewritten and the rewrite flags. */
function run(stream: string, cuts: number[], options?: ConstructorParameters<typeof RequestFramer>[0]): { out: string; rewrites: boolean[] } {
  const framer = new RequestFramer(options);
  const input = Buffer.from(stream, 'latin1');
  const parts: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    const piece = Buffer.from(input.subarray(start, cut));
    start = cut;
    framer.process(piece);
    parts.push(piece);
  }
  const rewrites: boolean[] = [];
  for (let i = 0; i < 10; i++) rewrites.push(framer.takeRewrite());
  return { out: Buffer.concat(parts).toString('latin1'), rewrites };
}

const chunk = (s: string): string => `${Buffer.byteLength(s, 'latin1').toString(16)}\r\n${s}\r\n`;
const body1 = 'LIST /v1/in-body HTTP/1.1\r\n\r\n';
const stream = [
  '\r\n', // an empty line before a request is allowed
  'LIST /v1/a/ HTTP/1.1\r\nHost: x\r\n\r\n',
  `PUT /v1/b HTTP/1.1\r\nHost: x\r\ncontent-length: ${body1.length}\r\n\r\n${body1}`,
  'POST /v1/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
  chunk('LIST /v1/x HTTP/1.1\r\n'),
  chunk('\r\n0\r\n\r\nLIST '),
  '0;ext=1\r\nTrailer-Field: LIST\r\n\r\n',
  'GET /v1/d HTTP/1.1\r\nHost: x\r\n\r\n',
  'LIST /v1/e/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nLIST ',
  'LINK /v1/f HTTP/1.1\r\nHost: x\r\n\r\n',
  'LIST /v1/g/ HTTP/1.1\r\nHost: x\r\n\r\n',
].join('');
const expected = stream
  .replace('LIST /v1/a/', 'LINK /v1/a/')
  .replace('LIST /v1/e/', 'LINK /v1/e/')
  .replace('LIST /v1/g/', 'LINK /v1/g/');
// One entry per request llhttp reads as LINK: /v1/a/, /v1/e/, the genuine /v1/f, /v1/g/; then none left.
const expectedRewrites = [true, true, false, true, false, false, false, false, false, false];

test('rewrites LIST request lines only, in one piece', () => {
  const { out, rewrites } = run(stream, []);
  assert.equal(out, expected);
  assert.deepEqual(rewrites, expectedRewrites);
});

test('the result is the same wherever the stream is cut', () => {
  for (let cut = 1; cut < stream.length; cut++) {
    const { out, rewrites } = run(stream, [cut]);
    assert.equal(out, expected, `cut at ${cut}`);
    assert.deepEqual(rewrites, expectedRewrites, `cut at ${cut}`);
  }
});

test('the result is the same when every byte arrives alone', () => {
  const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
  const { out, rewrites } = run(stream, cuts);
  assert.equal(out, expected);
  assert.deepEqual(rewrites, expectedRewrites);
});

test('an accepted upgrade or a CONNECT hands the rest of the connection over untouched', () => {
  const upgrade = 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\nLIST /v1/a HTTP/1.1\r\n\r\n';
  assert.equal(run(upgrade, [], { upgradeAccepted: () => true }).out, upgrade);
  assert.equal(run(upgrade, [], { upgradeAccepted: () => false }).out, upgrade.replace('LIST /v1/a', 'LINK /v1/a'));
  const connect = 'CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\nLIST /v1/a HTTP/1.1\r\n\r\n';
  assert.equal(run(connect, []).out, connect);
});

test('malformed framing makes the framer step aside instead of guessing', () => {
  const bad = 'POST /v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\nLIST /v1/b HTTP/1.1\r\n\r\n';
  assert.equal(run(bad, []).out, bad);
  const badChunk = 'POST /v1/a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nLIST /v1/b HTTP/1.1\r\n\r\n';
  assert.equal(run(badChunk, []).out, badChunk);
});

test('a request line that was invalid stays invalid, even split between reads', () => {
  // "LISK" is no method; rewriting its S must not produce a valid LINK.
  for (const cuts of [[], [3], [1, 2, 3]]) {
    const { out, rewrites } = run('LISK /v1/a HTTP/1.1\r\n\r\n', cuts);
    assert.equal(out.slice(0, 4), 'LIN!', `cuts ${cuts.join(',')}`);
    assert.equal(rewrites[0], false);
  }
  assert.equal(run('LINK /v1/a HTTP/1.1\r\n\r\n', [2]).out.slice(0, 4), 'LINK', 'a genuine LINK is left alone');
  assert.equal(run('LISTEN /v1/a HTTP/1.1\r\n\r\n', []).out.slice(0, 6), 'LINKEN', 'llhttp still refuses this');
});
