import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

describe('express-jwt-auth/redis', () => {
  it('is not loaded by the main entry, and loads neither redis nor ioredis itself', () => {
    const script = `
      require('./lib');
      const mainLoaded = Object.keys(require.cache).filter((file) => /[\\\\/](redis|ioredis|@redis|@ioredis)[\\\\/]|lib[\\\\/]redis[\\\\/]/.test(file));
      require('./lib/redis');
      const clientsLoaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](redis|ioredis|@redis|@ioredis)[\\\\/]/.test(file));
      console.log(JSON.stringify({ mainLoaded, clientsLoaded }));
    `;
    const output = execFileSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ mainLoaded: [], clientsLoaded: [] });
  });
});
