import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * Issue 16's "done when", kept true: no runtime import cycle in src/, config.ts imported by
 * at most 8 files, no hand-written source file over 400 lines. Read with the TypeScript
 * parser: `import type` and `export type` load nothing at run time, so they are no edge;
 * `import { type A }` still loads its module under verbatimModuleSyntax, so it is one.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const FILES = sourceFiles(SRC);

/** Relative modules a file loads at run time (static imports and re-exports). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) specifier = statement.moduleSpecifier;
    if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) specifier = statement.moduleSpecifier;
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) {
      out.push(resolve(dirname(file), specifier.text.replace(/\.js$/, '.ts')));
    }
  }
  return out;
}

/** Every import (type-only too) of a relative module. */
function allImports(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(file, 'utf8'), true, false)
    .importedFiles.map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')));
}

function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe('source layout (issue 16)', () => {
  it('has no runtime import cycle in src/', () => {
    const graph = new Map(FILES.map((file) => [file, runtimeImports(file)]));
    expect(findCycle(graph)?.map((file) => relative(SRC, file))).toBeUndefined();
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
  });

  it('imports config.ts from at most 8 files: modules declare the settings slice they read', () => {
    const config = join(SRC, 'config.ts');
    const importers = FILES.filter((file) => allImports(file).includes(config)).map((file) => relative(SRC, file));
    expect(importers.length, importers.join(', ')).toBeLessThanOrEqual(8);
  });

  it('has no hand-written source file over 400 lines (newlines, as wc -l counts them)', () => {
    const long = FILES.map((file) => [relative(SRC, file), readFileSync(file, 'utf8').split('\n').length - 1] as const).filter(([, lines]) => lines > 400);
    expect(long).toEqual([]);
  });
});
