import { spawn, type ChildProcess } from 'node:child_process';

/** A bare Node.js HTTP server, in its own process, answering with the same JSON a KV v2 read returns: the ceiling. */
export async function startCeiling(body: string, prefix: string[] = []): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const script = `
    const http = require('node:http');
    const body = ${JSON.stringify(body)};
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const [cmd, ...args] = [...prefix, process.execPath, '-e', script];
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', () => reject(new Error('the ceiling server exited')));
  });
  return {
    url: `http://127.0.0.1:${port}/v1/secret/data/bench`,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
