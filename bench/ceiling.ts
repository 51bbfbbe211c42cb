import { createServer, type Server } from 'node:http';

/** A bare Node.js HTTP server answering with the same JSON a KV v2 read returns: the ceiling. */
export async function startCeiling(body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('ceiling server has no address');
  return { url: `http://127.0.0.1:${addr.port}/v1/secret/data/bench`, server };
}
