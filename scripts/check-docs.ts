/**
 * `npm run check:docs`: type-checks every TypeScript block of README.md, docs/*.md and
 * demo-app/README.md against the built package, so that the documentation cannot drift from
 * the API. Each ```ts (or ```typescript) block becomes a module of its own in a temporary
 * directory, where `express-jwt-auth` resolves to this repository's package.json `exports`
 * (and so to `dist/`, as for a user who installed it); one strict `tsc` run with
 * `skipLibCheck: false` checks them all. A block fenced ```ts no-check, or preceded by
 * `<!-- no-check -->`, is skipped and counted. Exits 1 on any error, naming the file and line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type CodeBlock, codeBlocks } from './check-docs/code-blocks';

const REPO = resolve(__dirname, '..');
const TYPESCRIPT = new Set(['ts', 'typescript']);

/** The documents whose blocks are checked, relative to the repository. */
function documents(): string[] {
  const docs = existsSync(join(REPO, 'docs'))
    ? readdirSync(join(REPO, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)
    : [];
  return ['README.md', ...docs, 'demo-app/README.md'].filter((file) => existsSync(join(REPO, file)));
}

function isSkipped(block: CodeBlock): boolean {
  return block.flags.includes('no-check') || block.markedNoCheck;
}

/** A block as a module: without an import or export it would be a script sharing one global scope. */
function asModule(code: string): string {
  return /^\s*(import|export)\s/m.test(code) ? `${code}\n` : `${code}\nexport {};\n`;
}

/** The name of a block's module: where it comes from, so that tsc's messages already say it. */
function moduleName(block: CodeBlock): string {
  return `${block.file.replace(/[^A-Za-z0-9]+/g, '_')}_L${block.line}.ts`;
}

const COMPILER_OPTIONS = {
  strict: true,
  skipLibCheck: false,
  noEmit: true,
  target: 'ES2022',
  lib: ['ES2022'],
  // As an ES module application would compile: package.json "exports" decides what resolves.
  module: 'nodenext',
  moduleResolution: 'nodenext',
  esModuleInterop: true,
  forceConsistentCasingInFileNames: true,
  noFallthroughCasesInSwitch: true,
  types: ['node'],
};

interface Diagnostic {
  readonly block: CodeBlock | undefined;
  readonly lineInBlock: number;
  readonly text: string;
}

/** Reads tsc's `file(line,col): error TSxxxx: message` lines (continuation lines included). */
function parseDiagnostics(output: string, byModule: ReadonlyMap<string, CodeBlock>): Diagnostic[] {
  const diagnostics: { block: CodeBlock | undefined; lineInBlock: number; text: string }[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^(.+?)\((\d+),\d+\): (error .*)$/.exec(line);
    if (match !== null) {
      const name = match[1].split(/[\\/]/).pop() ?? '';
      diagnostics.push({ block: byModule.get(name), lineInBlock: Number(match[2]), text: match[3] });
    } else if (line.trim() !== '' && diagnostics.length > 0 && /^\s/.test(line)) {
      diagnostics[diagnostics.length - 1].text += `\n    ${line.trim()}`;
    } else if (line.trim() !== '') {
      diagnostics.push({ block: undefined, lineInBlock: 0, text: line });
    }
  }
  return diagnostics;
}

/** Blocks that augment global types would change the others' types: each gets a program of its own. */
function programs(blocks: readonly CodeBlock[]): CodeBlock[][] {
  const augments = (block: CodeBlock): boolean => /^\s*declare\s+global\b/m.test(block.code);
  const shared = blocks.filter((block) => !augments(block));
  return [...(shared.length > 0 ? [shared] : []), ...blocks.filter(augments).map((block) => [block])];
}

/** Type-checks one program of blocks in `workDir`; returns its diagnostics. */
function typeCheck(workDir: string, index: number, blocks: readonly CodeBlock[]): Diagnostic[] {
  const byModule = new Map<string, CodeBlock>();
  for (const block of blocks) {
    const name = moduleName(block);
    byModule.set(name, block);
    writeFileSync(join(workDir, name), asModule(block.code));
  }
  const tsconfig = join(workDir, `tsconfig.${index}.json`);
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files: [...byModule.keys()] }, null, 2));
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false'], { encoding: 'utf8' });
  const diagnostics = parseDiagnostics(`${result.stdout}${result.stderr}`, byModule);
  if (result.status !== 0 && diagnostics.length === 0) {
    return [{ block: undefined, lineInBlock: 0, text: `tsc exited with status ${String(result.status)}${result.error === undefined ? '' : `: ${result.error.message}`}` }];
  }
  return diagnostics;
}

function main(): number {
  if (!existsSync(join(REPO, 'dist', 'index.d.ts'))) {
    console.error('check:docs: dist/ is missing; run `npm run build` first (npm run check:docs does).');
    return 1;
  }
  const blocks = documents().flatMap((file) => codeBlocks(file, readFileSync(join(REPO, file), 'utf8')));
  const typescript = blocks.filter((block) => TYPESCRIPT.has(block.language));
  const checked = typescript.filter((block) => !isSkipped(block));
  const skipped = typescript.length - checked.length;

  // Inside the repository, so that express, @types/* and the other packages the blocks import
  // resolve from its node_modules; the package itself through a symlink, like an installed one.
  const workDir = mkdtempSync(join(REPO, '.check-docs-'));
  try {
    mkdirSync(join(workDir, 'node_modules'));
    symlinkSync(REPO, join(workDir, 'node_modules', 'express-jwt-auth'), 'dir');
    writeFileSync(join(workDir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    const diagnostics = programs(checked).flatMap((program, index) => typeCheck(workDir, index, program));
    for (const { block, lineInBlock, text } of diagnostics) {
      if (block === undefined) console.error(text);
      else console.error(`${block.file}:${block.line + lineInBlock - 1}: ${text} (in the block that starts at line ${block.line})`);
    }
    const files = new Set(checked.map((block) => block.file)).size;
    const summary = `check:docs: ${checked.length} TypeScript blocks in ${files} files type-checked against dist/; ${skipped} skipped (no-check).`;
    if (diagnostics.length > 0) {
      console.error(`${summary} FAILED with ${diagnostics.length} errors.`);
      return 1;
    }
    console.log(summary);
    return 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

process.exitCode = main();
