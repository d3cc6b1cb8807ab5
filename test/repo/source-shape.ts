/**
 * The repository's shape rules (DEVELOPERS' guide: small files with one concern, short functions),
 * measured with the TypeScript compiler's own parser so that strings, comments and template literals
 * cannot fool a line count. `source-shape.e2e-spec.ts` applies them to the tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/** A source file longer than this needs a `// size: <reason>` note in its first lines. */
export const MAX_FILE_LINES = 300;
/** A function-like body longer than this is an offender (no opt-out: extract named helpers). */
export const MAX_FUNCTION_LINES = 60;
/** How many leading lines may hold the size note (after a license or a short header comment). */
export const SIZE_NOTE_WITHIN_LINES = 10;
/** `// size: <reason>`: the reason must be words, not an empty tag. */
const SIZE_NOTE = /^\s*\/\/\s*size:\s*\S.{9,}/;

/** One file or function that breaks a rule, as `file:line name length` in the failure message. */
export interface ShapeOffence {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly lines: number;
  readonly limit: number;
}

/** Source roots the rules cover: library, emulator, command line, sample, doctor (under libs). */
export const SOURCE_ROOTS = ['libs', 'apps'] as const;

/** Every `<root>/<project>/src/**\/*.ts` file that is not a spec or a declaration file. */
export function sourceFiles(repoRoot: string): string[] {
  const files: string[] = [];
  for (const root of SOURCE_ROOTS) {
    for (const project of readdirSync(join(repoRoot, root), { withFileTypes: true })) {
      if (project.isDirectory()) collect(join(repoRoot, root, project.name, 'src'), files);
    }
  }
  return files.map((file) => relative(repoRoot, file).split(sep).join('/')).sort();
}

function collect(dir: string, into: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a project without src/ (only a package.json, say) has nothing to measure
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, into);
    else if (isMeasured(entry.name)) into.push(path);
  }
}

function isMeasured(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts');
}

/** The file-length rule: over {@link MAX_FILE_LINES} lines without a size note at the top. */
export function fileOffence(file: string, text: string): ShapeOffence | undefined {
  const lines = text.split('\n');
  const count = text.endsWith('\n') ? lines.length - 1 : lines.length;
  if (count <= MAX_FILE_LINES) return undefined;
  if (lines.slice(0, SIZE_NOTE_WITHIN_LINES).some((line) => SIZE_NOTE.test(line))) return undefined;
  return { file, line: 1, name: '(file)', lines: count, limit: MAX_FILE_LINES };
}

/** The function-length rule: every function-like node whose body spans more than the limit. */
export function functionOffences(file: string, text: string): ShapeOffence[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const offences: ShapeOffence[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const body = node.body as ts.Node;
      const start = source.getLineAndCharacterOfPosition(body.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(body.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        offences.push({ file, line, name: functionName(node, source), lines, limit: MAX_FUNCTION_LINES });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return offences;
}

/** A readable name: the declared one, else the variable, property or call it is passed to. */
function functionName(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return `${className(node)}constructor`;
  if (node.name) return `${className(node)}${node.name.getText(source)}`;
  const parent = node.parent;
  if (
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)
  ) {
    return parent.name.getText(source);
  }
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText(source)})`;
  return '(anonymous)';
}

function className(node: ts.Node): string {
  const parent = node.parent;
  return ts.isClassLike(parent) && parent.name ? `${parent.name.text}.` : '';
}

/** Both rules over the whole tree below `repoRoot`. */
export function shapeOffences(repoRoot: string): ShapeOffence[] {
  return sourceFiles(repoRoot).flatMap((file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const tooLong = fileOffence(file, text);
    return [...(tooLong ? [tooLong] : []), ...functionOffences(file, text)];
  });
}

/** `file:line name length (limit N)`, one offence a line, for the failure message. */
export function describeOffences(offences: readonly ShapeOffence[]): string {
  return offences.map((o) => `${o.file}:${o.line} ${o.name} ${o.lines} lines (limit ${o.limit})`).join('\n');
}
