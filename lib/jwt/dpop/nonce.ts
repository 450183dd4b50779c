import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';

const NONCE = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9) without server state: a nonce is a time
 * window's number and the HMAC-SHA256 of it under a secret, so that any instance holding the
 * secret checks any other's nonces, and nothing is stored. A nonce is handed out during its
 * window and accepted during that window and the next.
 *
 * @example
 * ```ts
 * const nonces = new DpopNonces(createSecretKey(secret), 300, Date.now);
 * const nonce = nonces.issue();
 * nonces.accepts(nonce); // true for 5 to 10 minutes
 * ```
 */
export class DpopNonces {
  /**
   * @param secret - The HMAC key shared by every instance.
   * @param lifetime - The length of a window, in seconds.
   * @param clock - Milliseconds since the epoch.
   */
  constructor(
    private readonly secret: KeyObject,
    private readonly lifetime: number,
    private readonly clock: () => number,
  ) {}

  private window(): number {
    return Math.floor(this.clock() / 1000 / this.lifetime);
  }

  private mac(window: number): Buffer {
    // The label keeps these MACs apart from anything else the same secret might sign.
    return createHmac('sha256', this.secret).update(`dpop-nonce:${window}`).digest();
  }

  /** A nonce for the current window. */
  issue(): string {
    const window = this.window();
    return `${window.toString(36)}.${this.mac(window).toString('base64url')}`;
  }

  /** Whether `nonce` was issued with this secret in the current window or the one before. */
  accepts(nonce: unknown): boolean {
    if (typeof nonce !== 'string') return false;
    const match = NONCE.exec(nonce);
    if (match === null) return false;
    const window = parseInt(match[1], 36);
    const current = this.window();
    if (window !== current && window !== current - 1) return false;
    return timingSafeEqual(Buffer.from(match[2], 'base64url'), this.mac(window));
  }
}
