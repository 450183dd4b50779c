import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

describe('express-jwt-auth/ws', () => {
  it('is not loaded by the main entry, and loads neither ws nor socket.io itself', () => {
    const script = `
      require('./lib');
      const mainLoaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](ws|socket\\.io|engine\\.io)[\\\\/]|lib[\\\\/]ws[\\\\/]/.test(file));
      const exported = Object.keys(require('./lib/ws')).sort();
      const peersLoaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](ws|socket\\.io|engine\\.io)[\\\\/]/.test(file));
      console.log(JSON.stringify({ mainLoaded, peersLoaded, exported }));
    `;
    const output = execFileSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({
      mainLoaded: [],
      peersLoaded: [],
      exported: [
        'CREDENTIALS_ENDED_CLOSE_CODE', 'CREDENTIALS_ENDED_EVENT', 'CREDENTIALS_ENDED_REASONS', 'TOKEN_PARAMETER', 'TOKEN_SUBPROTOCOL',
        'authenticateUpgrades', 'connectionAuth', 'socketIoAuthentication',
      ],
    });
  });
});
