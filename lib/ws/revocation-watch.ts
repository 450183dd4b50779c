import type { TokenPayload } from '../credentials';
import { parseRevocationEntry, parseRevocationMessage, type Revocation, REVOCATION_CHANNEL, REVOCATION_KEY_PREFIX, revocationHash } from '../jwt/revocation-keys';
import type { Store, Subscription } from '../store/store';

/** A retry after a failed subscription, in milliseconds (as the backend's revocation list). */
const RETRY_MS = 250;

interface Watched {
  readonly iat: number | undefined;
  readonly end: () => void;
}

function add(index: Map<string, Set<Watched>>, hash: string, watched: Watched): void {
  let set = index.get(hash);
  if (set === undefined) index.set(hash, (set = new Set()));
  set.add(watched);
}

function remove(index: Map<string, Set<Watched>>, hash: string | undefined, watched: Watched): void {
  if (hash === undefined) return;
  const set = index.get(hash);
  if (set === undefined) return;
  set.delete(watched);
  if (set.size === 0) index.delete(hash);
}

/**
 * Ends open connections when their token (`jti`), their sign-in (`sid`: a refresh-token family
 * that ended by reuse, logout or sign-out everywhere) or their subject (`sub`, tokens issued at
 * or before the revocation) is revoked anywhere: it listens to the change feed the backends'
 * revocation lists are fed by, and on every reconnection of the feed reloads the revocations
 * announced while it was away. Only connections are indexed (by the same hashes the store
 * holds), so a revocation costs a map lookup whatever the number of connections.
 */
export class RevocationWatch {
  private readonly jtis = new Map<string, Set<Watched>>();
  private readonly subjects = new Map<string, Set<Watched>>();
  private readonly sids = new Map<string, Set<Watched>>();
  private subscription: Subscription | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly subscribed: Promise<void>;

  constructor(private readonly store: Store) {
    this.subscribed = this.start();
  }

  private async start(): Promise<void> {
    try {
      const subscription = await this.store.subscribe(REVOCATION_CHANNEL, {
        onMessage: (message) => this.applyMessage(message),
        onStatus: (connected) => {
          if (connected) void this.reload();
        },
      });
      if (this.closed) await subscription.unsubscribe();
      else this.subscription = subscription;
    } catch {
      // The store is away: subscribe again soon; the revocations announced meanwhile are read
      // by the reload that follows a subscription.
      if (!this.closed) this.retry = setTimeout(() => void this.start().then(() => this.reload()), RETRY_MS).unref();
    }
  }

  private applyMessage(message: string): void {
    const revocation = parseRevocationMessage(message);
    if (revocation !== undefined) this.apply(revocation);
  }

  private async reload(): Promise<void> {
    if (this.closed || (this.jtis.size === 0 && this.subjects.size === 0 && this.sids.size === 0)) return;
    try {
      for (const [key, value] of await this.store.entries(REVOCATION_KEY_PREFIX)) {
        const revocation = parseRevocationEntry(key, value);
        if (revocation !== undefined) this.apply(revocation);
      }
    } catch {
      // The next reconnection of the feed reloads again.
    }
  }

  private apply(revocation: Revocation): void {
    const set = (revocation.kind === 'jti' ? this.jtis : revocation.kind === 'sid' ? this.sids : this.subjects).get(revocation.hash);
    if (set === undefined) return;
    for (const watched of [...set]) {
      // iat is in whole seconds: a token issued in the second of the revocation is ended too,
      // as the backend refuses it.
      if (revocation.kind === 'sub' && typeof watched.iat === 'number' && watched.iat > revocation.notBefore) continue;
      watched.end();
    }
  }

  /**
   * Calls `end` once the token of `payload`, its sign-in or its subject is revoked; returns the function that
   * stops watching it (call it when the connection closes).
   */
  watch(payload: TokenPayload, end: () => void): () => void {
    const jti = typeof payload.jti === 'string' ? revocationHash('jti', payload.jti) : undefined;
    const sub = typeof payload.sub === 'string' ? revocationHash('sub', payload.sub) : undefined;
    const sid = typeof payload.sid === 'string' ? revocationHash('sid', payload.sid) : undefined;
    if (jti === undefined && sub === undefined && sid === undefined) return () => undefined;
    const watched: Watched = { iat: typeof payload.iat === 'number' ? payload.iat : undefined, end };
    if (jti !== undefined) add(this.jtis, jti, watched);
    if (sub !== undefined) add(this.subjects, sub, watched);
    if (sid !== undefined) add(this.sids, sid, watched);
    return () => {
      remove(this.jtis, jti, watched);
      remove(this.subjects, sub, watched);
      remove(this.sids, sid, watched);
    };
  }

  /** Resolves once the first subscription to the change feed has been made or has failed (a failure is retried). */
  async ready(): Promise<void> {
    await this.subscribed;
  }

  /** Unsubscribes from the change feed; the connections are left as they are. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.subscribed;
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
