/**
 * npm's own errors reach the terminal in this repository: no `.npmrc` silences npm globally (the
 * emulator's five-line stdout contract is kept by `npm run -s emulator`, see docs/emulator.md).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** npm without the outer `npm test`'s npm_* variables (they would carry its loglevel into this npm). */
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, npm_config_update_notifier: 'false' };
}

it('prints npm’s error for a mistyped script name', async () => {
  const failure = await exec('npm', ['run', 'sample:rotat'], { cwd: ROOT, env: npmEnv() }).then(
    () => undefined,
    (error: { code?: number; stderr?: string }) => error,
  );
  expect(failure?.code).toBe(1);
  expect(failure?.stderr).toContain('Missing script: "sample:rotat"');
  expect(failure?.stderr).toContain('npm run sample:rotate');
});
