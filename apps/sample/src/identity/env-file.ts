/**
 * The variables of the `.env` file `@nestjs/config` reads by default (`.env` in the working directory),
 * for the master-secret check only: a client secret in `.env` is as much a master secret as one in the
 * platform's settings, and the library reads that file too (its `env` is process.env over `.env`).
 * Parsed with Node's own `util.parseEnv` (the same KEY=VALUE syntax); the values stay here — the check
 * looks at names and whether a value is set, nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** The file `ConfigModule.forRoot()` reads when no `envFilePath` is given. */
export const DEFAULT_ENV_FILE = '.env';

/** The variables of `file` (relative to `cwd`); none when it is missing or unreadable. */
export function readEnvFile(
  cwd: string = process.cwd(),
  file: string = DEFAULT_ENV_FILE,
): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(join(cwd, file), 'utf8');
  } catch {
    return {};
  }
  return parseEnv(text) as Record<string, string>;
}
