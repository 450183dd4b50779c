import { createHash, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

interface PeerCertificateSocket {
  getPeerCertificate?(detailed?: boolean): { raw?: Buffer } | null;
}

// RFC 9440 §2.1: the certificate as a structured-field byte sequence, `:base64:`.
const BYTE_SEQUENCE = /^:([A-Za-z0-9+/]+={0,2}):$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The DER bytes of a certificate as a proxy wrote it in a header, or `undefined` if it is none of the forms we read. */
function certificateFromHeader(value: string): Buffer | undefined {
  const text = value.trim();
  const sequence = BYTE_SEQUENCE.exec(text);
  if (sequence !== null) return Buffer.from(sequence[1], 'base64');
  if (BASE64.test(text)) return Buffer.from(text, 'base64');
  let pem: string;
  try {
    // nginx's $ssl_client_escaped_cert: a URL-encoded PEM.
    pem = decodeURIComponent(text);
  } catch {
    return undefined;
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return undefined;
  try {
    return new X509Certificate(pem).raw;
  } catch {
    return undefined;
  }
}

/**
 * The RFC 8705 §3.1 thumbprint (`x5t#S256`: base64url of the SHA-256 of the DER) of the
 * client certificate of a request: the one the TLS connection presented (`getPeerCertificate`),
 * or, when the connection has none and `header` is configured, the one a trusted
 * TLS-terminating proxy passed in that header. `undefined` when there is none.
 *
 * @example
 * ```ts
 * const x5t = clientCertificateThumbprint(req, 'client-cert');
 * if (x5t !== payload.cnf['x5t#S256']) throw new InvalidTokenError('binding_mismatch');
 * ```
 */
export function clientCertificateThumbprint(req: IncomingMessage, header: string | undefined): string | undefined {
  const socket = req.socket as PeerCertificateSocket | undefined;
  const peer = typeof socket?.getPeerCertificate === 'function' ? socket.getPeerCertificate(false) : null;
  let der = peer?.raw;
  if (der === undefined && header !== undefined) {
    const value = req.headers[header];
    // One certificate, or none: a header sent twice is not one a proxy wrote.
    if (typeof value === 'string' && value !== '') der = certificateFromHeader(value);
  }
  return der === undefined || der.length === 0 ? undefined : createHash('sha256').update(der).digest('base64url');
}
