import { memoryStore, type Store } from '../../lib';
import { describeStoreContract } from '../helpers/store-contract';

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

describeStoreContract('memoryStore', () => {
  const store = memoryStore();
  opened.push(store);
  return store;
});

describe('memoryStore', () => {
  it('refuses a write when every one of maxEntries keys is live, instead of evicting one', async () => {
    const store = memoryStore({ maxEntries: 2 });
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    await expect(store.set('c', '3', 60_000)).rejects.toThrow(RangeError);
    await expect(store.reserve('c', '3', 60_000)).rejects.toThrow(/maxEntries 2/);
    await expect(store.get('a')).resolves.toBe('1');
    await expect(store.get('b')).resolves.toBe('2');
    // Overwriting a key that is there needs no room.
    await store.set('a', 'again', 60_000);
  });

  it('makes room by dropping expired keys first', async () => {
    let now = 0;
    const store = memoryStore({ maxEntries: 2, clock: () => now });
    await store.set('a', '1', 1000);
    await store.set('b', '2', 5000);
    now = 1000;
    await store.set('c', '3', 1000);
    await expect(store.get('b')).resolves.toBe('2');
    await expect(store.get('c')).resolves.toBe('3');
    await expect(store.get('a')).resolves.toBeUndefined();
  });

  it('expires keys by its clock', async () => {
    let now = 0;
    const store = memoryStore({ clock: () => now });
    await store.set('k', 'v', 100);
    now = 99;
    await expect(store.get('k')).resolves.toBe('v');
    now = 100;
    await expect(store.get('k')).resolves.toBeUndefined();
  });

  it.each([
    ['a maxEntries of 0', { maxEntries: 0 }, /maxEntries/],
    ['a fractional maxEntries', { maxEntries: 1.5 }, /whole number/],
    ['a clock that is not a function', { clock: 5 }, /clock/],
    ['an unknown option', { max_entries: 5 }, /unknown option "max_entries"/],
  ])('throws a TypeError at construction for %s', (_case, options, message) => {
    expect(() => memoryStore(options as never)).toThrow(TypeError);
    expect(() => memoryStore(options as never)).toThrow(message);
  });
});
