/**
 * Shape of the sources (libs/* /src, apps/* /src; specs excluded): no file over 300 lines without a
 * `// size: <reason>` note in its first 10 lines, no function-like body over 60 lines. The rules
 * themselves are checked on small inputs first, so a check that can no longer fail fails here.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MAX_FILE_LINES,
  MAX_FUNCTION_LINES,
  describeOffences,
  fileOffence,
  functionOffences,
  shapeOffences,
  sourceFiles,
} from './source-shape.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const lines = (count: number, line = 'x;'): string =>
  `${Array.from({ length: count }, () => line).join('\n')}\n`;
const functionOf = (bodyLines: number): string => `export function big(): void {\n${lines(bodyLines - 2)}}\n`;

describe('the rules', () => {
  it('lets a file of exactly the limit pass and flags one line more', () => {
    expect(fileOffence('a.ts', lines(MAX_FILE_LINES))).toBeUndefined();
    expect(fileOffence('a.ts', lines(MAX_FILE_LINES + 1))).toMatchObject({ file: 'a.ts', lines: 301 });
  });

  it('accepts a long file with a size note that gives a reason, in its first lines only', () => {
    const note = '// size: one state machine, split it and the transitions scatter';
    expect(fileOffence('a.ts', `${note}\n${lines(MAX_FILE_LINES)}`)).toBeUndefined();
    expect(fileOffence('a.ts', `// size:\n${lines(MAX_FILE_LINES)}`)).toBeDefined();
    expect(fileOffence('a.ts', `${lines(10)}${note}\n${lines(MAX_FILE_LINES)}`)).toBeDefined();
  });

  it('measures function, method, arrow and accessor bodies, nested ones too, by their spans', () => {
    expect(functionOffences('f.ts', functionOf(MAX_FUNCTION_LINES))).toEqual([]);
    expect(functionOffences('f.ts', functionOf(MAX_FUNCTION_LINES + 1))).toEqual([
      { file: 'f.ts', line: 1, name: 'big', lines: 61, limit: 60 },
    ]);
    const nested = `class Box {\n  get value(): number {\n    const run = () => {\n${lines(62)}    };\n    return 1;\n  }\n}\n`;
    expect(functionOffences('c.ts', nested).map((o) => `${o.line} ${o.name} ${o.lines}`)).toEqual([
      '2 Box.value 67',
      '3 run 64',
    ]);
    const callback = `it('x', async () => {\n${lines(61)}});\n`;
    expect(functionOffences('s.ts', callback)[0]?.name).toBe('(callback of it)');
  });

  it('does not count a template literal or comment as a function', () => {
    const text = `const page = \`\n${lines(80, 'function () {')}\`;\n/*\n${lines(80, '() => {')}*/\n`;
    expect(functionOffences('t.ts', text)).toEqual([]);
  });

  it('covers the library, the emulator and the apps, not specs', () => {
    const files = sourceFiles(ROOT);
    expect(files).toContain('libs/keyvault-config/src/core/loader.ts');
    expect(files).toContain('libs/keyvault-config/src/doctor/doctor.ts');
    expect(files).toContain('libs/keyvault-emulator/src/emulator.ts');
    expect(files).toContain('apps/sample/src/main.ts');
    expect(files.filter((file) => file.endsWith('.spec.ts'))).toEqual([]);
  });
});

// Every offender of issue #8 has been split: a file over its limit needs a `// size:` reason at its top.
it('finds no source file or function over its limit', () => {
  expect(describeOffences(shapeOffences(ROOT))).toBe('');
});
