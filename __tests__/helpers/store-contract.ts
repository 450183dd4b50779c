import type { Store } from '../../lib';

/** Resolves after `ms` milliseconds of real time (store time-to-lives run on the real clock). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition()` holds, polling every 5 ms; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}

let counter = 0;
/** A key no other test uses. */
export const uniqueKey = (label: string): string => `${label}:${process.pid}:${Date.now()}:${++counter}`;

/**
 * The behaviour every {@link Store} promises, as one suite run against each implementation:
 * `open` gives a store (and is called once per test), `closeAll` releases them.
 */
export function describeStoreContract(name: string, open: () => Store | Promise<Store>): void {
  describe(`${name}: the Store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });

    it('gets what was set, until its time-to-live passes', async () => {
      const key = uniqueKey('ttl');
      await store.set(key, 'value', 150);
      await expect(store.get(key)).resolves.toBe('value');
      await sleep(400);
      await expect(store.get(key)).resolves.toBeUndefined();
    });

    it('resolves undefined for a key never set, and delete says whether the key was there', async () => {
      const key = uniqueKey('delete');
      await expect(store.get(key)).resolves.toBeUndefined();
      await expect(store.delete(key)).resolves.toBe(false);
      await store.set(key, 'value', 60_000);
      await expect(store.delete(key)).resolves.toBe(true);
      await expect(store.get(key)).resolves.toBeUndefined();
    });

    it('reserves a key once: the first caller wins, later ones lose until the key is gone', async () => {
      const key = uniqueKey('reserve');
      await expect(store.reserve(key, 'a', 60_000)).resolves.toBe(true);
      await expect(store.reserve(key, 'b', 60_000)).resolves.toBe(false);
      await expect(store.get(key)).resolves.toBe('a');
      await store.delete(key);
      await expect(store.reserve(key, 'c', 60_000)).resolves.toBe(true);
    });

    it('gives exactly one winner among 100 concurrent reserves of one key', async () => {
      const key = uniqueKey('reserve-race');
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.reserve(key, String(i), 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('swaps only from the expected value (undefined: only when absent)', async () => {
      const key = uniqueKey('cas');
      await expect(store.compareAndSwap(key, 'nothing', 'v1', 60_000)).resolves.toBe(false);
      await expect(store.compareAndSwap(key, undefined, 'v1', 60_000)).resolves.toBe(true);
      await expect(store.compareAndSwap(key, undefined, 'v2', 60_000)).resolves.toBe(false);
      await expect(store.compareAndSwap(key, 'v0', 'v2', 60_000)).resolves.toBe(false);
      await expect(store.compareAndSwap(key, 'v1', 'v2', 60_000)).resolves.toBe(true);
      await expect(store.get(key)).resolves.toBe('v2');
    });

    it('gives exactly one winner among 100 concurrent swaps from the same value', async () => {
      const key = uniqueKey('cas-race');
      await store.set(key, 'start', 60_000);
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.compareAndSwap(key, 'start', `next-${i}`, 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      await expect(store.get(key)).resolves.toBe(`next-${winner}`);
    });

    it('counts increments, every one of 100 concurrent ones once, in a window that starts at the first', async () => {
      const key = uniqueKey('count');
      const counts = await Promise.all(Array.from({ length: 100 }, () => store.increment(key, 300)));
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      await sleep(600);
      await expect(store.increment(key, 300)).resolves.toBe(1);
    });

    it('lists the live entries under a prefix, taking glob characters in it literally', async () => {
      const prefix = `${uniqueKey('list')}:*?[x]:`;
      await store.set(`${prefix}a`, '1', 60_000);
      await store.set(`${prefix}b`, '2', 60_000);
      await store.set(`${prefix}gone`, '3', 50);
      await store.set(`${prefix.replace('*?[x]', 'zz[x]')}c`, '4', 60_000);
      await sleep(200);
      const entries = await store.entries(prefix);
      expect([...entries].sort()).toEqual([[`${prefix}a`, '1'], [`${prefix}b`, '2']]);
    });

    it('delivers published messages to every subscriber of the channel until it unsubscribes', async () => {
      const channel = uniqueKey('channel');
      const first: string[] = [];
      const second: string[] = [];
      const a = await store.subscribe(channel, { onMessage: (message) => first.push(message) });
      const b = await store.subscribe(channel, { onMessage: (message) => second.push(message) });
      expect(a.connected).toBe(true);
      await store.publish(channel, 'one');
      await waitFor(() => first.length === 1 && second.length === 1);
      await a.unsubscribe();
      await store.publish(channel, 'two');
      await waitFor(() => second.length === 2);
      await sleep(50);
      expect(first).toEqual(['one']);
      expect(second).toEqual(['one', 'two']);
      await b.unsubscribe();
    });

    it('refuses a key longer than 1024 characters and a time-to-live that is not a positive whole number', async () => {
      await expect(store.get('k'.repeat(1025))).rejects.toThrow(TypeError);
      await expect(store.set(uniqueKey('ttl'), 'v', 0)).rejects.toThrow(/ttlMs/);
      await expect(store.reserve(uniqueKey('ttl'), 'v', 1.5)).rejects.toThrow(/ttlMs/);
    });
  });
}
