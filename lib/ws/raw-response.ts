import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UpgradeRefusal } from './upgrade-authenticator';

/** How long a refused socket may take to take its answer before it is destroyed, in milliseconds. */
const FLUSH_TIMEOUT_MS = 5_000;

/**
 * Writes an HTTP/1.1 answer on the raw socket of an upgrade request (Express, and Node's
 * response object, never see an upgrade) and closes it: `Connection: close`, then end, then
 * destroy once flushed (or after a few seconds for a client that does not read), so that no
 * refused socket outlives its answer.
 */
export function writeRawResponse(socket: Duplex, status: number, headers: Readonly<Record<string, string>>, body: string): void {
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close'];
  // The values are the library's own: challenges are quoted and stripped of control characters.
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const timer = setTimeout(() => socket.destroy(), FLUSH_TIMEOUT_MS).unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * Writes the refusal of an upgrade (status, `WWW-Authenticate`, problem+json body) on its raw socket.
 */
export function writeRefusal(socket: Duplex, refusal: UpgradeRefusal): void {
  writeRawResponse(socket, refusal.status, refusal.headers, JSON.stringify(refusal.body));
}
