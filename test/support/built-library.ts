/**
 * Specs that spawn processes run the BUILT library (plain Node cannot load TypeScript). One check for
 * all of them: the built file exists and is newer than every source of the library (the build cleans
 * dist/ first, so every output is as new as the build), else a failure that says which command fixes it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIB = fileURLToPath(new URL('../../libs/keyvault-config/', import.meta.url));

/** The newest mtime of a non-spec file below `dir`. */
function newestSource(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory()
        ? newestSource(join(dir, entry.name))
        : entry.name.endsWith('.spec.ts')
          ? 0
          : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );
}

/**
 * Throws unless `libs/keyvault-config/<entry>` exists and is newer than `libs/keyvault-config/src`.
 * @returns the absolute path of the built entry
 */
export function assertLibraryBuilt(entry = 'dist/index.js'): string {
  const built = join(LIB, entry);
  if (!existsSync(built) || newestSource(join(LIB, 'src')) > statSync(built).mtimeMs) {
    throw new Error(
      `This test runs the BUILT library in a child process, and ${built} is ${existsSync(built) ? 'older than its sources' : 'missing'}. Run \`npm run build --workspace=nestjs-keyvault-config\` (\`npm test\` does it first).`,
    );
  }
  return built;
}
