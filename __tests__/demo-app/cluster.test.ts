import { request as httpRequest } from 'node:http';
import { runScript, type ScriptProcess } from '../helpers/child-processes';
import { describeWithRedis, RedisServer } from '../helpers/redis-server';

jest.setTimeout(120_000);

interface Answer {
  readonly status: number;
  readonly process: string;
  readonly body: Record<string, unknown>;
}

// A new connection per request (Connection: close), so that the cluster's round robin spreads them.
function call(origin: string, method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(`${origin}${path}`, {
      method,
      agent: false,
      headers: {
        Connection: 'close',
        ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
        ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
    }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, process: String(res.headers['x-demo-process']), body: text === '' ? {} : JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// A revocation reaches the other workers through Redis's change feed, a few milliseconds after
// the 204 (the library checks a local copy, with no round trip per request): ask every worker
// again until all refuse, for at most 5 s, and return the last answers.
async function untilRefused(origin: string, tokens: readonly string[]): Promise<Answer[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const answers = await Promise.all(tokens.map((token) => call(origin, 'GET', '/me', token)));
    if (answers.every((answer) => answer.status === 401) || Date.now() > deadline) return answers;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeWithRedis('npm run demo:cluster (REDIS_URL, three workers on one port)', () => {
  let server: RedisServer;
  let demo: ScriptProcess;
  let origin: string;
  beforeAll(async () => {
    server = await RedisServer.start();
    demo = runScript('demo-app/cluster.ts', [], { REDIS_URL: server.url, PORT: '0', WORKERS: '3', JWT_SECRET: '', DEMO_API_KEY: '' });
    await demo.waitFor(/(listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*){3}/);
    origin = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(demo.output())?.[1] ?? '';
  });
  afterAll(async () => {
    await demo.stop();
    await server.stop();
  });

  it('exits with a message naming REDIS_URL when it is not set', async () => {
    const alone = runScript('demo-app/cluster.ts', [], { REDIS_URL: '' });
    await alone.waitFor(/demo:cluster needs Redis: REDIS_URL=redis:\/\/127\.0\.0\.1:6379 npm run demo:cluster/);
    if (alone.child.exitCode === null) await new Promise((resolve) => alone.child.once('exit', resolve));
    expect(alone.child.exitCode).toBe(1);
  });

  it('runs a single process on Redis with npm run demo and REDIS_URL, saying so', async () => {
    const single = runScript('demo-app/server.ts', [], { REDIS_URL: server.url, PORT: '0', JWT_SECRET: 'a-demo-secret-of-32-bytes-or-more!!', DEMO_API_KEY: 'k' });
    try {
      const [, url] = await single.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      expect(single.output()).toContain(`revocations are shared through Redis at 127.0.0.1:${server.port}`);
      const token = (await call(url, 'POST', '/login', undefined, { username: 'alice', password: 'alice-password' })).body.access_token as string;
      expect((await call(url, 'POST', '/revoke', token)).status).toBe(204);
      expect(await call(url, 'GET', '/me', token)).toMatchObject({ status: 401, body: { reason: 'revoked' } });
    } finally {
      await single.stop();
    }
  });

  it('refuses on every worker a token revoked through one, and a user signed out everywhere', async () => {
    const login = async (): Promise<string> =>
      (await call(origin, 'POST', '/login', undefined, { username: 'alice', password: 'alice-password' })).body.access_token as string;

    const token = await login();
    const before = await Promise.all(Array.from({ length: 9 }, () => call(origin, 'GET', '/me', token)));
    expect(before.map((answer) => answer.status)).toEqual(Array(9).fill(200));
    expect(new Set(before.map((answer) => answer.process)).size).toBeGreaterThan(1);

    expect((await call(origin, 'POST', '/revoke', token)).status).toBe(204);
    const after = await untilRefused(origin, Array<string>(9).fill(token));
    expect(new Set(after.map((answer) => answer.process)).size).toBeGreaterThan(1);
    for (const answer of after) expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_token', reason: 'revoked' } });

    const first = await login();
    const second = await login();
    expect((await call(origin, 'POST', '/revoke-all', first)).status).toBe(204);
    const signedOut = await untilRefused(origin, [first, second, first, second, first, second]);
    for (const answer of signedOut) expect(answer).toMatchObject({ status: 401, body: { reason: 'revoked' } });
  });
});
