import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BENCH_README, withBenchBlock, writeReadmeBlock } from '../../bench/readme';

const REPO = path.resolve(__dirname, '..', '..');

describe('the benchmark README writer', () => {
  it('writes into bench/README.md, not the root README', () => {
    expect(BENCH_README).toBe(path.join(REPO, 'bench', 'README.md'));
  });

  it('replaces only the marked block and keeps the prose around it', () => {
    const before = '# Performance\n\nIntro.\n\n<!-- bench:start -->\nold numbers\n<!-- bench:end -->\n\nReading these numbers.\n';
    expect(withBenchBlock(before, '\nnew numbers\n')).toBe(
      '# Performance\n\nIntro.\n\n<!-- bench:start -->\nnew numbers\n<!-- bench:end -->\n\nReading these numbers.\n',
    );
  });

  it('appends the block after an introduction to an empty page, and after the text of a page without markers', () => {
    const fresh = withBenchBlock('', 'numbers');
    expect(fresh.startsWith('# Performance\n')).toBe(true);
    expect(fresh.endsWith('<!-- bench:start -->\nnumbers\n<!-- bench:end -->\n')).toBe(true);
    expect(withBenchBlock('# Notes\n', 'numbers')).toBe('# Notes\n\n<!-- bench:start -->\nnumbers\n<!-- bench:end -->\n');
  });

  it('rewrites a file in place and leaves it untouched when the block is the same', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-readme-'));
    try {
      const file = path.join(dir, 'README.md');
      writeFileSync(file, 'Intro.\n<!-- bench:start -->\nold\n<!-- bench:end -->\n');
      writeReadmeBlock('new', file);
      expect(readFileSync(file, 'utf8')).toBe('Intro.\n<!-- bench:start -->\nnew\n<!-- bench:end -->\n');
      writeReadmeBlock('new', file);
      expect(readFileSync(file, 'utf8')).toBe('Intro.\n<!-- bench:start -->\nnew\n<!-- bench:end -->\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the markers in the committed bench/README.md, so a run never appends a second block', () => {
    const page = readFileSync(BENCH_README, 'utf8');
    expect(page.split('<!-- bench:start -->')).toHaveLength(2);
    expect(page.indexOf('<!-- bench:end -->')).toBeGreaterThan(page.indexOf('<!-- bench:start -->'));
    expect(readFileSync(path.join(REPO, 'README.md'), 'utf8')).not.toContain('<!-- bench:start -->');
  });
});
