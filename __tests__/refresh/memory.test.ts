import { memoryStore, type Store } from '../../lib';
import { refreshBehaviour } from './behaviour';

describe('refresh tokens on memoryStore', () => {
  refreshBehaviour({
    open: async (clock) => memoryStore({ clock }) as Store,
    closeAll: async () => undefined,
  });
});
