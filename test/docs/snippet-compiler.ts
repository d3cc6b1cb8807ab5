/**
 * Type-checks documentation snippets as a user's project would: each snippet an ES module (NodeNext)
 * under `strict` and `exactOptionalPropertyTypes`, in one compiler program with an in-memory host. The
 * virtual files sit in a folder of the repository root that does not exist, so `nestjs-keyvault-config`
 * resolves through the workspace link to the package's built declarations (libs/keyvault-config/dist),
 * and Nest and Azure packages from node_modules — the way a consumer's import resolves.
 */
import { resolve } from 'node:path';
import ts from 'typescript';
import type { MarkdownSnippet } from './markdown-snippets.js';

/** Compiler options of a strict `nest new` project (Nest decorators included). */
export const SNIPPET_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  types: ['node'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
};

/** One compiler message, placed at the Markdown file's line. */
export interface SnippetProblem {
  /** `file:line` of the Markdown source (`file:line (prelude)` for a message inside the prelude). */
  at: string;
  message: string;
}

interface VirtualFile {
  snippet: MarkdownSnippet;
  text: string;
  /** Lines before the snippet's first line (the prelude). */
  preludeLines: number;
}

function virtualName(root: string, snippet: MarkdownSnippet, index: number): string {
  const slug = snippet.file.replace(/[^A-Za-z0-9]+/g, '-');
  // .mts: an ES module whatever the nearest package.json says.
  return resolve(root, '.doc-snippets', `${index}-${slug}-${snippet.line}.mts`);
}

function whereIs(file: VirtualFile, line: number): string {
  const { snippet, preludeLines } = file;
  if (line < preludeLines) return `${snippet.file}:${snippet.line - 1} (prelude)`;
  return `${snippet.file}:${snippet.line + line - preludeLines}`;
}

/** Checks every snippet in one program; returns each message with its Markdown location. */
export function checkSnippets(root: string, snippets: readonly MarkdownSnippet[]): SnippetProblem[] {
  const files = new Map<string, VirtualFile>();
  snippets.forEach((snippet, index) => {
    const prelude = snippet.prelude === '' ? '' : `${snippet.prelude}\n`;
    files.set(virtualName(root, snippet, index), {
      snippet,
      text: `${prelude}${snippet.code}\n`,
      preludeLines: prelude === '' ? 0 : prelude.split('\n').length - 1,
    });
  });

  const host = ts.createCompilerHost(SNIPPET_COMPILER_OPTIONS, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(resolve(name)) || fileExists.call(host, name);
  host.readFile = (name) => files.get(resolve(name))?.text ?? readFile.call(host, name);
  host.getSourceFile = (name, languageVersion, ...rest) => {
    const file = files.get(resolve(name));
    if (file) return ts.createSourceFile(name, file.text, languageVersion, true);
    return getSourceFile.call(host, name, languageVersion, ...rest);
  };
  host.getCurrentDirectory = () => root;

  const program = ts.createProgram([...files.keys()], SNIPPET_COMPILER_OPTIONS, host);
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const name of files.keys()) {
    const source = program.getSourceFile(name);
    if (source)
      diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const file = diagnostic.file && files.get(resolve(diagnostic.file.fileName));
    if (!file || diagnostic.start === undefined) {
      return { at: diagnostic.file?.fileName ?? '(options)', message };
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    return { at: whereIs(file, line), message };
  });
}
