import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkImports, findCycles, type ImportGraph, importSpecifiers, unitOf } from '../../scripts/check-imports';

const graph = (edges: Record<string, readonly string[]>): ImportGraph => new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));

let scratch = '';

beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'express-jwt-auth-check-imports-'));
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes a fake lib/ into the scratch folder: file name to content. */
function writeLib(files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(scratch, name)), { recursive: true });
    writeFileSync(path.join(scratch, name), content);
  }
}

describe('importSpecifiers', () => {
  it('finds value, type-only, re-export, require, dynamic and import-type specifiers', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "export * from './c';",
      "export { type D } from './d';",
      "import e = require('./e');",
      "const f = require('./f');",
      "const g = import('./g');",
      "type H = typeof import('./h');",
      "type I = import('./i').I;",
      "const notAnImport = './j';",
    ].join('\n');
    expect(importSpecifiers('lib/x.ts', text)).toEqual(['./a', './b', './c', './d', './e', './f', './g', './h', './i']);
  });
});

describe('unitOf', () => {
  it('puts the root files of lib/ in the unit lib and every other file in its top folder', () => {
    expect([unitOf('lib/errors.ts'), unitOf('lib/jwt/verify.ts'), unitOf('lib/keys/deep/file.ts')]).toEqual(['lib', 'lib/jwt', 'lib/keys']);
    expect([unitOf('lib/index.ts'), unitOf('lib/oauth2/index.ts')]).toEqual(['lib/index.ts', 'lib/oauth2/index.ts']);
  });
});

describe('findCycles', () => {
  it('finds none in a graph without cycles', () => {
    expect(findCycles(graph({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });

  it('reports a cycle with its members and the path around it', () => {
    expect(findCycles(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([{ members: ['a', 'b', 'c'], path: ['a', 'b', 'c', 'a'] }]);
  });

  it('reports a file that imports itself', () => {
    expect(findCycles(graph({ a: ['a'] }))).toEqual([{ members: ['a'], path: ['a', 'a'] }]);
  });

  it('reports each separate cycle once, with the shortest path through its first member', () => {
    expect(findCycles(graph({ a: ['b', 'c'], b: ['a'], c: ['b'], x: ['y'], y: ['x'] }))).toEqual([
      { members: ['a', 'b', 'c'], path: ['a', 'b', 'a'] },
      { members: ['x', 'y'], path: ['x', 'y', 'x'] },
    ]);
  });
});

describe('checkImports', () => {
  it('passes a lib/ whose files and folders import in one direction', () => {
    writeLib({
      'lib/index.ts': "export * from './jwt';\n",
      'lib/jwt/index.ts': "export { verify } from './verify.js';\n",
      'lib/jwt/verify.ts': "import { base } from '../core/base';\nexport const verify = base;\n",
      'lib/core/base.ts': 'export const base = 1;\n',
    });
    expect(checkImports(scratch)).toEqual({ ok: true, lines: ['no import cycles between the 4 files of lib/ or between its 4 folders'] });
  });

  it('fails on a cycle between two files closed by a type-only import', () => {
    writeLib({
      'lib/a.ts': "import type { B } from './b';\nexport type A = B[];\n",
      'lib/b.ts': "import { type A } from './a';\nexport type B = { list: A };\n",
    });
    const { ok, lines } = checkImports(scratch);
    expect(ok).toBe(false);
    expect(lines).toEqual(['import cycle between files: lib/a.ts -> lib/b.ts -> lib/a.ts']);
  });

  it('fails on a cycle between folders made of files that form no cycle, naming one import per arrow', () => {
    writeLib({
      'lib/x/one.ts': "import { two } from '../y/two';\nexport const one = two;\n",
      'lib/x/four.ts': 'export const four = 4;\n',
      'lib/y/two.ts': 'export const two = 2;\n',
      'lib/y/three.ts': "import { four } from '../x/four';\nexport const three = four;\n",
    });
    const { ok, lines } = checkImports(scratch);
    expect(ok).toBe(false);
    expect(lines).toEqual([
      'import cycle between folders: lib/x -> lib/y -> lib/x',
      '  the folders that all import each other, directly or not, and their imports among themselves:',
      '  lib/x -> lib/y (lib/x/one.ts imports lib/y/two.ts)',
      '  lib/y -> lib/x (lib/y/three.ts imports lib/x/four.ts)',
    ]);
  });

  it('counts an entry point as its own unit, so a folder importing a root file the entry re-exports is no cycle', () => {
    writeLib({
      'lib/index.ts': "export { verify } from './jwt/verify';\nexport { AuthenticationError } from './errors';\n",
      'lib/errors.ts': 'export class AuthenticationError extends Error {}\n',
      'lib/jwt/verify.ts': "import { AuthenticationError } from '../errors';\nexport const verify = AuthenticationError;\n",
    });
    expect(checkImports(scratch).ok).toBe(true);
  });

  it('counts the root files of lib/ as one unit, so a root file importing a folder that imports a root file is a cycle', () => {
    writeLib({
      'lib/errors.ts': "import { verify } from './jwt/verify';\nexport class AuthenticationError extends Error {}\nexport const check = verify;\n",
      'lib/backend.ts': 'export const backend = 1;\n',
      'lib/jwt/verify.ts': "import { backend } from '../backend';\nexport const verify = backend;\n",
    });
    const { ok, lines } = checkImports(scratch);
    expect(ok).toBe(false);
    expect(lines[0]).toBe('import cycle between folders: lib -> lib/jwt -> lib');
  });
});
