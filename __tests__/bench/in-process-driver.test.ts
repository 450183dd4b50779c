import express from 'express';
import express4 from 'express4';
import { createDriver, type RequestListener } from '../../bench/in-process-driver';
import { withBenchBlock } from '../../bench/readme';
import { authenticated, authenticationMiddleware, JWTAuthenticationBackend } from '../../lib';
import { manualClock } from '../helpers/manual-clock';
import { SECRET, signToken } from '../helpers/tokens';

describe('the in-process driver of the benchmark', () => {
  for (const [name, makeApp] of [['Express 5', express], ['Express 4', express4]] as const) {
    describe(`on ${name}`, () => {
      function appWithBackend(): { send: ReturnType<typeof createDriver>; handled: string[] } {
        const handled: string[] = [];
        const app = makeApp();
        app.use(authenticationMiddleware(new JWTAuthenticationBackend({ secretKey: SECRET, clock: manualClock().now })));
        app.get('/protected', authenticated(), (req, res) => {
          const sub = String(req.auth?.payload?.sub);
          handled.push(sub);
          res.json({ sub });
        });
        return { send: createDriver(app as unknown as RequestListener), handled };
      }

      it('hands the app the Authorization header, so a valid token reaches the handler with its user', async () => {
        const { send, handled } = appWithBackend();
        expect(await send('/protected', `Bearer ${signToken()}`)).toBe(200);
        expect(await send('/protected', `Bearer ${signToken()}`)).toBe(200);
        expect(handled).toEqual(['user-1', 'user-1']);
      });

      it('resolves with the rejection status when no token is sent, and the handler does not run', async () => {
        const { send, handled } = appWithBackend();
        expect(await send('/protected')).toBe(401);
        expect(handled).toEqual([]);
      });

      it('answers an unknown path with 404 from the app', async () => {
        const { send } = appWithBackend();
        expect(await send('/nowhere')).toBe(404);
      });
    });
  }
});

describe('the benchmark README writer with a named block', () => {
  it('replaces only its own block and leaves the bench block as it was', () => {
    const before = '<!-- bench:start -->\nload\n<!-- bench:end -->\n\n<!-- callgrind:start -->\nold\n<!-- callgrind:end -->\n';
    expect(withBenchBlock(before, 'new', 'callgrind')).toBe('<!-- bench:start -->\nload\n<!-- bench:end -->\n\n<!-- callgrind:start -->\nnew\n<!-- callgrind:end -->\n');
  });
});
