import type http from 'node:http';

/**
 * Runs the requests of one connection one after the other.
 *
 * Node's http.Server hands pipelined requests to the handler as soon as it
 * parses them, so a GET pipelined after a POST on the same connection could
 * be handled before the POST has been (and read the old value). HTTP/1.1 only
 * allows processing pipelined requests in parallel when all of them are safe
 * (RFC 9112 §9.3.2), and Vault, on Go's net/http, serves one request at a time
 * per connection. Here each request starts once the previous response of its
 * connection has finished (or the connection closed); a request with nothing
 * before it starts at once.
 */
export function createConnectionTurns(): (req: http.IncomingMessage, res: http.ServerResponse, run: () => void) => void {
  const lastResponse = new WeakMap<object, Promise<void>>();
  return (req, res, run) => {
    const connection = req.socket;
    const previous = lastResponse.get(connection);
    const done = new Promise<void>((resolve) => {
      res.once('finish', resolve);
      res.once('close', resolve);
    });
    lastResponse.set(connection, done);
    void done.then(() => {
      if (lastResponse.get(connection) === done) lastResponse.delete(connection);
    });
    if (previous === undefined) run();
    else void previous.then(run);
  };
}
