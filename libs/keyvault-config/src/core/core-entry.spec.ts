/**
 * `nestjs-keyvault-config/core` must load in an app with no Nest and no rxjs installed: its whole import
 * graph — every relative import followed, type-only imports included (their declarations are published
 * too) — names no `@nestjs/*` package and no `rxjs`. test/compat's core-only consumer proves the same at
 * run time against the packed tarball.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('..', import.meta.url));
const FORBIDDEN = /^(@nestjs\/|rxjs(\/|$))/;

/** Every module reachable from `entry`: relative files walked, bare specifiers collected. */
function importGraph(entry: string): { files: string[]; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>(); // specifier -> first importing file
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith('.')) pending.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!packages.has(specifier)) packages.set(specifier, relative(SRC, file));
    }
  }
  return { files: [...files].map((file) => relative(SRC, file)), packages };
}

describe('the core entry point (nestjs-keyvault-config/core)', () => {
  const graph = importGraph(join(SRC, 'core/index.ts'));

  it('imports no @nestjs/* package and no rxjs anywhere in its graph', () => {
    const forbidden = [...graph.packages].filter(([specifier]) => FORBIDDEN.test(specifier));
    expect(forbidden.map(([specifier, file]) => `${file} imports ${specifier}`)).toEqual([]);
  });

  it('stays inside core/ and reaches the Azure SDK (the walk follows real imports)', () => {
    expect(graph.files.filter((file) => !file.startsWith('core/'))).toEqual([]);
    expect(graph.files).toContain('core/loader.ts');
    expect([...graph.packages.keys()]).toContain('@azure/keyvault-secrets');
  });

  it('is a graph the walk would catch a Nest import in (the root entry reaches @nestjs/common)', () => {
    expect([...importGraph(join(SRC, 'index.ts')).packages.keys()]).toContain('@nestjs/common');
  });
});
