import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server listening on 127.0.0.1 only, on a port the system picked. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly origin: string;
  readonly port: number;
  /** Stops listening and drops every open connection; resolves once the port is free. */
  close(): Promise<void>;
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Never a wildcard address: tests talk to this machine only.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Closes a server and its kept-alive or hanging connections. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Starts `listener` (an Express app, or any request listener) on 127.0.0.1, port 0. */
export async function listenLocally(listener: RequestListener, port = 0): Promise<LocalServer & { readonly server: http.Server }> {
  const server = http.createServer(listener);
  await listen(server, port);
  const actual = (server.address() as AddressInfo).port;
  return { server, port: actual, origin: `http://127.0.0.1:${actual}`, close: () => closeServer(server) };
}

/** Listens again on the same port after {@link closeServer}, as a restarted service would. */
export function relisten(server: http.Server, port: number): Promise<void> {
  return listen(server, port);
}

/** The origin of a port on 127.0.0.1 where nothing listens: connections are refused. */
export async function refusingOrigin(): Promise<string> {
  const { origin, close } = await listenLocally((_req, res) => res.end());
  await close();
  return origin;
}
