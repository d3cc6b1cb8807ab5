import { afterAll, beforeAll } from 'vitest';
import { changedVariables, restoreEnvironment } from './environment.js';

/**
 * Fails a test file that leaves process.env other than it found it (a variable set, changed or
 * removed and not put back), then restores it. Registered first, so its afterAll runs after every
 * hook of the file (vitest runs "after" hooks in reverse order), fixtures' restores included.
 */
let before: NodeJS.ProcessEnv;
beforeAll(() => {
  before = { ...process.env };
});
afterAll(() => {
  const leaked = changedVariables(before, process.env);
  restoreEnvironment(before);
  if (leaked.length > 0) {
    throw new Error(
      `Environment guard: this file left process.env changed: ${leaked.join(', ')}. Set variables through the emulator fixture (fixture.setEnv) or restore them.`,
    );
  }
});
