import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthCredentials, type AuthenticationBackend, type AuthResult, InvalidTokenError, SimpleUser } from '../lib';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * A backend written against the public contract: a service account authenticated by an
 * `X-API-Key` header. Chained after the JWT cookie backend in the demo.
 */
export class ApiKeyBackend implements AuthenticationBackend {
  readonly challenge = Object.freeze({ scheme: 'ApiKey', realm: 'api' });
  private readonly expected: Buffer;

  constructor(apiKey: string) {
    this.expected = digest(apiKey);
  }

  authenticate(req: IncomingMessage): AuthResult | null {
    const key = req.headers['x-api-key'];
    if (key === undefined) return null;
    // Comparing digests keeps the comparison constant-time whatever the key's length.
    if (typeof key !== 'string' || !timingSafeEqual(digest(key), this.expected)) {
      throw new InvalidTokenError('bad_signature', { challenge: this.challenge });
    }
    return { user: new SimpleUser('service'), credentials: new AuthCredentials(['authenticated', 'service']) };
  }
}
