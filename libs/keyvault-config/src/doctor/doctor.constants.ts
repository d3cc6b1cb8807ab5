/**
 * Fixed values of `nestjs-keyvault-config doctor`: exit codes, defaults, marks and the usage text.
 */

/** The command name after the binary: `npx nestjs-keyvault-config doctor`. */
export const DOCTOR_COMMAND = 'doctor';

/** Exit codes (documented; scripts and CI depend on them). */
export const DoctorExitCode = {
  /** The application would start. */
  WouldStart: 0,
  /** It would not (a problem is reported with its fix). */
  WouldNotStart: 1,
  /** The command line was wrong (unknown flag, bad value, unreadable `--config`). */
  BadArguments: 2,
} as const;

/** Longest any one step may take (one credential, one probe, the load) unless `--timeout` says otherwise. */
export const DEFAULT_DOCTOR_TIMEOUT_MS = 30_000;

/** Scope asked for when the vault's challenge could not be read (the public cloud's Key Vault). */
export const DEFAULT_KEY_VAULT_SCOPE = 'https://vault.azure.net/.default';

/** Key Vault's application id: some tokens carry it as `aud` instead of the resource URL. */
export const KEY_VAULT_APP_ID = 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093';

/** API version of the unauthenticated probe that reads the vault's challenge. */
export const CHALLENGE_PROBE_API_VERSION = '7.6';

/** The default `.env` file, read when present (as the library and ConfigModule do). */
export const DEFAULT_ENV_FILE = '.env';

/** Marks of the text report. */
export const Mark = { ok: '✓', fail: '✗', warn: '!', skip: '-' } as const;

/** `nestjs-keyvault-config doctor --help`. */
export const DOCTOR_USAGE = `Usage: nestjs-keyvault-config doctor [options]

Walks every step of the Key Vault bootstrap — credentials, vault, permissions, what would load — and
says what to fix. Never prints a secret value.

Options:
  --vault-url URL    the vault (default: KEY_VAULT_URL from the environment or .env)
  --env-file FILE    .env file to read (default: .env when present)
  --secrets a,b      explicit mode: only these secret names (get only, no list)
  --prefix P         only secrets whose name starts with P (stripped before mapping)
  --config FILE      a .js/.mjs/.cjs module exporting the options (default export, \`options\`, or a
                     function returning them) — for keyMapper, filter, validationSchema, …
  --timeout MS       longest any one step may take (default ${DEFAULT_DOCTOR_TIMEOUT_MS})
  --json             print the report as JSON (stable shape, see the README)
  -h, --help         this text

Exit codes: 0 the app would start, 1 it would not, 2 bad arguments.`;
