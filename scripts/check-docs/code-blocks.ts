/**
 * Finds the fenced code blocks of a Markdown document (CommonMark fences: three or more
 * backticks or tildes, closed by a fence of the same character at least as long).
 */

/** One fenced code block. */
export interface CodeBlock {
  /** The document it comes from, as given. */
  readonly file: string;
  /** The 1-based line of the block's first line of code in that document. */
  readonly line: number;
  /** The first word of the fence's info string, lower-cased (`ts`, `console`...); `''` without one. */
  readonly language: string;
  /** The rest of the info string, split on spaces (`no-check`). */
  readonly flags: readonly string[];
  /** Whether the line before the fence (blank lines aside) is `<!-- no-check -->`. */
  readonly markedNoCheck: boolean;
  /** The code, with the fence's indentation removed. */
  readonly code: string;
}

const OPENING = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/;
const NO_CHECK_COMMENT = /^<!--\s*no-check\s*-->$/;

function closes(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed[0] === fence[0] && new RegExp(`^\\${fence[0]}+$`).test(trimmed);
}

function previousText(lines: readonly string[], index: number): string {
  for (let i = index - 1; i >= 0; i--) {
    if (lines[i].trim() !== '') return lines[i].trim();
  }
  return '';
}

/**
 * The fenced code blocks of `markdown`, in order. Fences indented inside list items are found
 * too; their indentation is removed from every line of the block.
 *
 * @example
 * ```ts
 * codeBlocks('README.md', '# Title\n\n```ts\nconst a = 1;\n```\n'); // [{ line: 4, language: 'ts', code: 'const a = 1;', ... }]
 * ```
 */
export function codeBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = OPENING.exec(lines[index]);
    if (opening === null) continue;
    const [, indent, fence] = opening;
    const [language = '', ...flags] = opening[3].trim().split(/\s+/).filter((word) => word !== '');
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !closes(lines[end], fence)) {
      body.push(lines[end].startsWith(indent) ? lines[end].slice(indent.length) : lines[end].trimStart());
      end++;
    }
    blocks.push({
      file,
      line: index + 2,
      language: language.toLowerCase(),
      flags,
      markedNoCheck: NO_CHECK_COMMENT.test(previousText(lines, index)),
      code: body.join('\n'),
    });
    index = end;
  }
  return blocks;
}
