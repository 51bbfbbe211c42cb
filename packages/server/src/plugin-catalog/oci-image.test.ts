import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageRef } from './oci-image.js';

describe('parseImageRef', () => {
  it('takes the tag from the image, else the declared version', () => {
    assert.deepEqual(parseImageRef('registry.example.com/org/plugin', 'v1.0.0'), { registry: 'registry.example.com', repository: 'org/plugin', reference: 'v1.0.0' });
    assert.deepEqual(parseImageRef('127.0.0.1:5000/org/plugin:edge', 'v1.0.0'), { registry: '127.0.0.1:5000', repository: 'org/plugin', reference: 'edge' });
  });

  it('a digest wins over a tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.equal(parseImageRef(`ghcr.io/org/plugin:v1@${digest}`, 'v2.0.0').reference, digest);
  });

  it('refuses an image without a registry, or without a tag when the plugin has no version', () => {
    assert.throws(() => parseImageRef('plugin', 'v1.0.0'), /must name its registry/);
    assert.throws(() => parseImageRef('registry.example.com/org/plugin', ''), /has no tag and the plugin no version/);
  });
});
