import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// Fails on any import cycle in lib/: between files, and between folders (the root files lib/*.ts
// are one unit named "lib", each subfolder another; an entry point, index.ts, is a unit of its
// own: it only re-exports, and everything may be re-exported). Type-only imports count: a cycle of types is
// still a cycle of concepts, and the layers (lib/core below lib/keys below lib/jwt ...) are only
// real if no arrow points back. Run with `npm run check:imports`.

/** Imports from each file (or folder) to the others, by name. */
export type ImportGraph = ReadonlyMap<string, ReadonlySet<string>>;

/** The module specifiers a TypeScript file imports, type-only ones included. */
export function importSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      specifiers.push(node.moduleReference.expression.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      // `typeof import('./x')` and `import('./x').Type` in type positions.
      specifiers.push(node.argument.literal.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** The .ts file a relative specifier names (`./x`, `./x.js`, `./x/`), or null outside `files`. */
function resolve(fromFile: string, specifier: string, files: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.posix.join(path.posix.dirname(fromFile), specifier).replace(/\.js$/, '');
  for (const candidate of [base, `${base}.ts`, path.posix.join(base, 'index.ts')]) {
    if (files.has(candidate)) return candidate;
  }
  return null;
}

/** Every .ts file under `dir` (declarations left out), as paths relative to `root`, with `/`. */
function listTypeScript(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const relative = path.posix.join(dir, name);
    if (statSync(path.join(root, relative)).isDirectory()) return listTypeScript(root, relative);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [relative] : [];
  });
}

/** The file graph of `dir` (e.g. `lib`) under `root`: each file to the files of `dir` it imports. */
export function fileGraph(root: string, dir: string): ImportGraph {
  const files = new Set(listTypeScript(root, dir));
  const graph = new Map<string, Set<string>>();
  for (const file of [...files].sort()) {
    const targets = new Set<string>();
    for (const specifier of importSpecifiers(file, readFileSync(path.join(root, file), 'utf8'))) {
      const target = resolve(file, specifier, files);
      if (target !== null) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/**
 * The unit a file belongs to: `lib` for lib/*.ts, `lib/jwt` for lib/jwt/verify.ts (and deeper),
 * and the entry point itself for an index.ts (the package's entries import every folder).
 */
export function unitOf(file: string): string {
  if (path.posix.basename(file) === 'index.ts') return file;
  const parts = file.split('/');
  return parts.length <= 2 ? parts[0] ?? file : `${parts[0]}/${parts[1]}`;
}

/** The folder graph: one unit to the others its files import, with one example import per arrow. */
export function folderGraph(files: ImportGraph): { graph: ImportGraph; examples: ReadonlyMap<string, string> } {
  const graph = new Map<string, Set<string>>();
  const examples = new Map<string, string>();
  for (const [file, targets] of files) {
    const from = unitOf(file);
    if (!graph.has(from)) graph.set(from, new Set());
    for (const target of targets) {
      const to = unitOf(target);
      if (to === from) continue;
      graph.get(from)?.add(to);
      if (!examples.has(`${from} -> ${to}`)) examples.set(`${from} -> ${to}`, `${file} imports ${target}`);
    }
  }
  return { graph, examples };
}

/** A group of nodes that all reach each other, and one cycle through them. */
export interface Cycle {
  /** The nodes of the strongly connected component, sorted. */
  readonly members: readonly string[];
  /** The shortest cycle through the first member: `['a', 'b', 'a']`. */
  readonly path: readonly string[];
}

/**
 * Every strongly connected component of the graph with a cycle in it (Tarjan), each with the
 * shortest cycle through its first member in sorted order.
 */
export function findCycles(graph: ImportGraph): Cycle[] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  const strongConnect = (node: string): void => {
    index.set(node, counter);
    lowLink.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        strongConnect(next);
        lowLink.set(node, Math.min(lowLink.get(node) ?? 0, lowLink.get(next) ?? 0));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };

  for (const node of [...graph.keys()].sort()) if (!index.has(node)) strongConnect(node);

  return components
    .filter((component) => component.length > 1 || (graph.get(component[0] ?? '')?.has(component[0] ?? '') ?? false))
    .map((component) => ({ members: [...component].sort(), path: shortestCycle(graph, new Set(component)) }))
    .sort((a, b) => (a.members[0] ?? '').localeCompare(b.members[0] ?? ''));
}

/** The shortest cycle through the first node (sorted) of a strongly connected component. */
function shortestCycle(graph: ImportGraph, component: ReadonlySet<string>): string[] {
  const start = [...component].sort()[0] ?? '';
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head] ?? '';
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (!component.has(next)) continue;
      if (next === start) {
        const chain: string[] = [];
        for (let at = node; at !== start; at = previous.get(at) ?? start) chain.unshift(at);
        return [start, ...chain, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** The report of one run: what was checked, and every cycle found. */
export function checkImports(root: string, dir = 'lib'): { ok: boolean; lines: string[] } {
  const files = fileGraph(root, dir);
  const folders = folderGraph(files);
  const fileCycles = findCycles(files);
  const folderCycles = findCycles(folders.graph);
  const lines: string[] = [];
  for (const cycle of fileCycles) {
    lines.push(`import cycle between files: ${cycle.path.join(' -> ')}`);
    if (cycle.members.length > cycle.path.length - 1) lines.push(`  the files that all import each other, directly or not: ${cycle.members.join(', ')}`);
  }
  for (const cycle of folderCycles) {
    lines.push(`import cycle between folders: ${cycle.path.join(' -> ')}`);
    lines.push(`  the folders that all import each other, directly or not, and their imports among themselves:`);
    for (const from of cycle.members) {
      for (const to of [...(folders.graph.get(from) ?? [])].sort()) {
        if (cycle.members.includes(to)) lines.push(`  ${from} -> ${to} (${folders.examples.get(`${from} -> ${to}`) ?? '?'})`);
      }
    }
  }
  const ok = fileCycles.length === 0 && folderCycles.length === 0;
  if (ok) lines.push(`no import cycles between the ${files.size} files of ${dir}/ or between its ${folders.graph.size} folders`);
  return { ok, lines };
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  if (!existsSync(path.join(root, 'lib'))) throw new Error(`${root}/lib does not exist`);
  const { ok, lines } = checkImports(root);
  for (const line of lines) console.log(line);
  process.exitCode = ok ? 0 : 1;
}
