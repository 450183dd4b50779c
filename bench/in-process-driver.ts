import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';

/**
 * Drives an app's request handler without sockets: each request is a real `IncomingMessage` and
 * `ServerResponse` of `node:http`, as the server would make them after parsing, over a writable
 * that discards what the response writes. What is left out is what every variant pays alike:
 * the kernel, the parser and the event loop of a real connection. So the per-request cost of
 * the middleware and Express is measured without the noise of the network stack and the load
 * generator, and the same run can be counted by callgrind.
 */

/** The request handler of an Express app (or any `http` handler). */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Sends one GET request and resolves with the response status once the response has finished. */
export type SendRequest = (path: string, authorization?: string) => Promise<number>;

/** The method of `IncomingMessage` that Node's HTTP parser calls with the raw header lines (not in its type declarations). */
interface ParsedMessage {
  _addHeaderLines(headers: string[], count: number): void;
}

/** Accepts every write at once, as a socket with an empty send buffer would. */
class DiscardingSocket extends Writable {
  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    callback();
  }
}

/**
 * A `SendRequest` for `app`. One socket is reused by every request, as a keep-alive connection
 * is: the response is attached to it and detached once finished, as Node's server does.
 */
export function createDriver(app: RequestListener): SendRequest {
  const socket = new DiscardingSocket() as unknown as Socket;
  return function sendRequest(path, authorization) {
    return new Promise((resolve) => {
      const req = new IncomingMessage(socket);
      req.method = 'GET';
      req.url = path;
      req.httpVersion = '1.1';
      req.httpVersionMajor = 1;
      req.httpVersionMinor = 1;
      // What autocannon sends, handed over as Node's parser does; `req.headers` is built from them on first use.
      const headers = authorization === undefined
        ? ['host', '127.0.0.1', 'connection', 'keep-alive']
        : ['host', '127.0.0.1', 'connection', 'keep-alive', 'authorization', authorization];
      (req as unknown as ParsedMessage)._addHeaderLines(headers, headers.length);
      req.complete = true;
      req.push(null);
      const res = new ServerResponse(req);
      res.assignSocket(socket);
      res.once('finish', () => {
        res.detachSocket(socket);
        resolve(res.statusCode);
      });
      app(req, res);
    });
  };
}
