import type { Store } from '../../lib';

/** A store that rejects every key operation while `down` is set, as one whose server is unreachable; its change feed stays up. */
export interface FailingStore extends Store {
  down: boolean;
}

/** Wraps `store` in a {@link FailingStore}. */
export function failingStore(store: Store): FailingStore {
  const wrapper: FailingStore = {
    down: false,
    get: (key) => guard(() => store.get(key)),
    set: (key, value, ttlMs) => guard(() => store.set(key, value, ttlMs)),
    delete: (key) => guard(() => store.delete(key)),
    reserve: (key, value, ttlMs) => guard(() => store.reserve(key, value, ttlMs)),
    compareAndSwap: (key, expected, next, ttlMs) => guard(() => store.compareAndSwap(key, expected, next, ttlMs)),
    increment: (key, ttlMs) => guard(() => store.increment(key, ttlMs)),
    entries: (prefix) => store.entries(prefix),
    publish: (channel, message) => store.publish(channel, message),
    subscribe: (channel, listener) => store.subscribe(channel, listener),
    close: () => store.close(),
  };
  function guard<T>(operation: () => Promise<T>): Promise<T> {
    return wrapper.down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : operation();
  }
  return wrapper;
}
