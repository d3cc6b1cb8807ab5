/**
 * Every way a developer or a framework prints an object — console.log, a full-depth inspect with
 * hidden fields and getters, a shallow one, nested inside another object, JSON — for the specs that
 * assert a printed object shows no value. Not part of the build (tsconfig.build.json excludes src/testing).
 */
import { inspect } from 'node:util';

export function printedForms(target: object): string[] {
  return [
    inspect(target),
    inspect(target, { depth: Infinity, showHidden: true, getters: true }),
    inspect(target, { depth: 0 }),
    inspect({ nested: { deeper: target } }, { depth: Infinity, showHidden: true }),
    JSON.stringify(target),
    JSON.stringify({ target }, null, 2),
  ];
}
