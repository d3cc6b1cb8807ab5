/**
 * Every TypeScript snippet of the documentation compiles as pasted into a strict project: the ```ts /
 * ```typescript blocks of README.md, libs/keyvault-config/README.md and docs/**.md, each an ES module,
 * checked in one program under `strict`, `exactOptionalPropertyTypes` and `noUncheckedIndexedAccess`
 * against the package's built declarations (`npm test` builds first). A fragment declares what it leaves
 * out in a `<!-- snippet-prelude: … -->` comment; a block opts out only with ```ts no-check <reason>.
 * A failure names each message as file:line.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSnippets, snippetsOf } from './markdown-snippets.js';
import { checkSnippets } from './snippet-compiler.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function markdownUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => relative(ROOT, join(ROOT, dir, name)))
    .sort();
}

const DOCUMENTS = ['README.md', 'libs/keyvault-config/README.md', ...markdownUnder('docs')];

describe('documentation snippets', () => {
  const snippets = readSnippets(ROOT, DOCUMENTS);

  it('finds the snippets of every document, the library README most of all', () => {
    expect(snippets.filter((s) => s.file === 'libs/keyvault-config/README.md').length).toBeGreaterThan(10);
    expect(snippets.filter((s) => s.file === 'README.md').length).toBeGreaterThan(0);
  });

  it('every block that opts out says why', () => {
    const unexplained = snippets.filter((s) => s.noCheck !== undefined && s.noCheck.length < 10);
    expect(unexplained.map((s) => `${s.file}:${s.line}`)).toEqual([]);
  });

  it('every other block type-checks under strict and exactOptionalPropertyTypes', () => {
    expect(existsSync(join(ROOT, 'libs/keyvault-config/dist/index.d.ts')), 'run `npm run build` first').toBe(
      true,
    );
    const problems = checkSnippets(
      ROOT,
      snippets.filter((s) => s.noCheck === undefined),
    );
    expect(problems.map(({ at, message }) => `${at}: ${message}`)).toEqual([]);
  }, 120_000);
});

describe('the snippet checker itself', () => {
  const markdown = [
    '# Title',
    '<!-- snippet-prelude:',
    "import { loadKeyVaultSecrets } from 'nestjs-keyvault-config';",
    '-->',
    '',
    '```ts',
    'const { config } = await loadKeyVaultSecrets();',
    'const port: number = config.PORT;',
    '```',
    '```typescript no-check — shows the error on purpose',
    'const x: number = "1";',
    '```',
    '```js',
    'not typescript',
    '```',
  ].join('\n');

  it('reads the prelude, the no-check reason, and skips other languages', () => {
    const found = snippetsOf('doc.md', markdown);
    expect(found).toEqual([
      {
        file: 'doc.md',
        line: 7,
        code: 'const { config } = await loadKeyVaultSecrets();\nconst port: number = config.PORT;',
        prelude: "import { loadKeyVaultSecrets } from 'nestjs-keyvault-config';",
      },
      {
        file: 'doc.md',
        line: 11,
        code: 'const x: number = "1";',
        prelude: '',
        noCheck: 'shows the error on purpose',
      },
    ]);
  });

  it('reports a wrong snippet at its Markdown line with the compiler message', () => {
    const [typed] = snippetsOf('doc.md', markdown);
    const problems = checkSnippets(ROOT, [typed!]);
    expect(problems).toEqual([
      { at: 'doc.md:8', message: "Type 'unknown' is not assignable to type 'number'." },
    ]);
  }, 120_000);
});
