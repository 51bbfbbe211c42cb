import assert from 'node:assert/strict';
import { it } from 'node:test';
import { progressKeepsOrder } from './etcd-catch-up.js';

it('progress answers are trusted only from etcd versions that queue them behind the events', () => {
  for (const v of ['3.4.31', '3.4.37', '3.5.13', '3.5.21', '3.6.0', '4.0.0']) assert.equal(progressKeepsOrder(v), true, v);
  for (const v of ['3.4.23', '3.4.30', '3.5.0', '3.5.12', '3.3.27', '2.3.8', 'unknown', '']) assert.equal(progressKeepsOrder(v), false, v);
});
