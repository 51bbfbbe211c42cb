// A real OCI registry (Debian's docker-registry, the CNCF distribution
// registry) on a loopback port, and a push of a one-file image through the
// registry's HTTP API, as `oras push` or `docker push` would do it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { freePort } from '../../support/coffer-process.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface LocalRegistry {
  /** host:port, as an image reference starts. */
  host: string;
  push(repository: string, tag: string, fileName: string, contents: Buffer): Promise<void>;
  stop(): Promise<void>;
}

export async function startRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-oci-registry-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const base = `http://127.0.0.1:${port}/v2`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr}`);
    const up = await fetch(`${base}/`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const uploadBlob = async (repository: string, blob: Buffer): Promise<string> => {
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    const start = await fetch(`${base}/${repository}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${await start.text()}`);
    const location = new URL(start.headers.get('location')!, `http://127.0.0.1:${port}`);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: blob });
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
    return digest;
  };

  return {
    host: `127.0.0.1:${port}`,
    async push(repository, tag, fileName, contents) {
      const tar = tarOf(fileName, contents);
      const layer = gzipSync(tar);
      const configBlob = Buffer.from(
        JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(tar).digest('hex')}`] } }),
      );
      const layerDigest = await uploadBlob(repository, layer);
      const configDigest = await uploadBlob(repository, configBlob);
      const manifest = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBlob.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
      };
      const res = await fetch(`${base}/${repository}/manifests/${tag}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        body: JSON.stringify(manifest),
      });
      if (res.status !== 201) throw new Error(`manifest push: ${res.status} ${await res.text()}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A ustar archive holding one executable file under bin/. */
function tarOf(fileName: string, contents: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, 'utf8');
  field(0, 100, `bin/${fileName}`);
  field(100, 8, '0000755\0');
  field(108, 8, '0000000\0');
  field(116, 8, '0000000\0');
  field(124, 12, `${contents.length.toString(8).padStart(11, '0')}\0`);
  field(136, 12, `${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`);
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const b of header) sum += b;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (contents.length % 512)) % 512);
  return Buffer.concat([header, contents, padding, Buffer.alloc(1024)]);
}
