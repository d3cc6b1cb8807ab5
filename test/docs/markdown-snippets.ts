/**
 * TypeScript code blocks of the documentation, as the snippet test checks them. A block is a fence
 * whose info string starts with `ts` or `typescript`. Conventions (kept invisible or explicit in the
 * rendered page):
 * - `<!-- snippet-prelude: … -->` — an HTML comment (one or more lines) right before a block holds code
 *   placed before it when it is checked: the imports and declarations a fragment leaves out. GitHub and
 *   npm do not render it.
 * - ```` ```ts no-check <reason> ```` — the block is not checked; the reason is required and visible in
 *   the page source (e.g. it shows an error on purpose).
 */
import { readFileSync } from 'node:fs';

/** One TypeScript block of a Markdown file. */
export interface MarkdownSnippet {
  /** Path of the Markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the first code line (the line after the opening fence). */
  line: number;
  /** The code between the fences. */
  code: string;
  /** Code from a `snippet-prelude` comment right before the block, or '' without one. */
  prelude: string;
  /** Why the block is not checked (`no-check <reason>`); absent when it is checked. */
  noCheck?: string;
}

const FENCE = /^\s*(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/;
const PRELUDE = /<!--\s*snippet-prelude:([\s\S]*?)-->\s*$/;
const TS_LANGUAGES = new Set(['ts', 'typescript']);

/** The prelude comment that ends right before `lineIndex` (blank lines between them allowed). */
function preludeBefore(lines: readonly string[], lineIndex: number): string {
  let end = lineIndex - 1;
  while (end >= 0 && lines[end]!.trim() === '') end--;
  if (end < 0 || !lines[end]!.trimEnd().endsWith('-->')) return '';
  let start = end;
  while (start >= 0 && !lines[start]!.includes('<!--')) start--;
  if (start < 0) return '';
  return PRELUDE.exec(lines.slice(start, end + 1).join('\n'))?.[1]?.trim() ?? '';
}

/** Every ```ts / ```typescript block of `markdown`. */
export function snippetsOf(file: string, markdown: string): MarkdownSnippet[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: MarkdownSnippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, fence, language = '', rest = ''] = open;
    let close = i + 1;
    while (close < lines.length && !isClosingFence(lines[close]!, fence!)) close++;
    if (TS_LANGUAGES.has(language.toLowerCase())) {
      const snippet: MarkdownSnippet = {
        file,
        line: i + 2,
        code: lines.slice(i + 1, close).join('\n'),
        prelude: preludeBefore(lines, i),
      };
      const noCheck = /^no-check\b\s*[—–:-]?\s*(.*)$/.exec(rest.trim());
      if (noCheck) snippet.noCheck = noCheck[1]!.trim();
      snippets.push(snippet);
    }
    i = close;
  }
  return snippets;
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(fence) && /^(`+|~+)$/.test(trimmed) && trimmed[0] === fence[0];
}

/** The snippets of files given relative to `root`. */
export function readSnippets(root: string, files: readonly string[]): MarkdownSnippet[] {
  return files.flatMap((file) => snippetsOf(file, readFileSync(`${root}/${file}`, 'utf8')));
}
