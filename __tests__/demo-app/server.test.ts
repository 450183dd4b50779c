import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function startDemo(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'demo-app/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`demo exited with ${code}: ${output}`)); });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('demo server (npm run demo)', () => {
  it('warns about a random secret when JWT_SECRET is unset, and serves logins over HTTP', async () => {
    const { child, url, output } = await startDemo({ JWT_SECRET: '' });
    try {
      expect(output()).toContain('JWT_SECRET is not set');
      const login = await fetch(`${url}/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'admin-password' }),
      });
      const { access_token: token } = (await login.json()) as { access_token: string };
      const admin = await fetch(`${url}/admin`, { headers: { Authorization: `Bearer ${token}` } });
      expect(admin.status).toBe(200);
    } finally {
      await stop(child);
    }
  });

  it('uses JWT_SECRET when it is set, without a warning', async () => {
    const { child, output } = await startDemo({ JWT_SECRET: 'a-demo-secret-of-32-bytes-or-more!!' });
    try {
      expect(output()).not.toContain('JWT_SECRET is not set');
    } finally {
      await stop(child);
    }
  });

  it('signs with a new Ed25519 key and publishes it when DEMO_ALGORITHM is EdDSA', async () => {
    const { child, url, output } = await startDemo({ DEMO_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: '' });
    try {
      expect(output()).toContain('JWT_PRIVATE_KEY is not set');
      const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { crv: string }[] };
      expect(jwks.keys.map((key) => key.crv)).toEqual(['Ed25519']);
    } finally {
      await stop(child);
    }
  });

  it('serves the authentication metrics at /metrics in the Prometheus format when METRICS is 1, and not otherwise', async () => {
    const { child, url } = await startDemo({ METRICS: '1', JWT_SECRET: 'a-demo-secret-of-32-bytes-or-more!!' });
    try {
      expect((await fetch(`${url}/admin`, { headers: { Authorization: 'Bearer not.a.token' } })).status).toBe(401);
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      const text = await metrics.text();
      expect(text).toMatch(/^express_jwt_auth_authentication_outcomes_total\{[^}]*express_jwt_auth_outcome="refused"[^}]*\} 1$/m);
      expect(text).toContain('express_jwt_auth_authentication_duration');
      expect(text).not.toContain('not.a.token');
    } finally {
      await stop(child);
    }
    const plain = await startDemo({ JWT_SECRET: 'a-demo-secret-of-32-bytes-or-more!!' });
    try {
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
    } finally {
      await stop(plain.child);
    }
  });
});
