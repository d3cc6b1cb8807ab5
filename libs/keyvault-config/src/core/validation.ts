/**
 * `validationSchema`: any Standard Schema applied to the merged configuration (environment + vault
 * values per precedence). It is a check only — the configuration is returned as loaded, not the
 * schema's output (a Zod object would strip every key it does not declare). Failure messages name the
 * keys and the issues, never the values: "received …" clauses are cut, and an issue message that still
 * shows any run of 6 characters (case-insensitive) of a value — a secret, a value at the issue's path, a
 * key under it (a key inside a JSON secret is part of the secret), or their JSON-escaped, base64 or hex
 * forms — is replaced whole. A schema's message is free text that may echo its input transformed
 * (escaped, case-changed, sliced, encoded): matching runs, not whole values, is what catches those.
 */
import { KeyVaultConfigError, KeyVaultConfigErrorCode } from './errors.js';
import { BARE_ISSUE, schemaThrew, validationFailed, WITHHELD_ISSUE } from './messages/index.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** Clauses some libraries add with the offending value (Valibot: `but received "x"`, Zod 3: `, received 'x'`). */
const RECEIVED_CLAUSE = /[,;]?\s*(but\s+)?received\s*:?\s*.*$/is;
/** Values shorter than this are too common to be recognized inside a message (e.g. "1", "on"). */
const MIN_REDACT_LENGTH = 3;

/** Every string (and stringified primitive) leaf of a value, for redaction. */
export function leafStrings(value: unknown, out: Set<string> = new Set(), depth = 0): Set<string> {
  if (depth > 32 || value === null || value === undefined) return out;
  if (typeof value === 'string') {
    if (value.length >= MIN_REDACT_LENGTH) out.add(value);
  } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    const text = String(value);
    if (text.length >= MIN_REDACT_LENGTH) out.add(text);
  } else if (typeof value === 'object') {
    for (const child of Object.values(value as Record<string, unknown>)) leafStrings(child, out, depth + 1);
  }
  return out;
}

function pathOf(issue: StandardSchemaV1.Issue): string {
  if (!issue.path || issue.path.length === 0) return '(root)';
  return issue.path
    .map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment))
    .join('.');
}

function valueAt(root: unknown, issue: StandardSchemaV1.Issue): unknown {
  let node = root;
  for (const segment of issue.path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as PropertyKey];
  }
  return node;
}

/** Length of the runs compared: shorter runs of a secret are too common to mean it was echoed. */
const RUN_LENGTH = 6;

/** The forms an echoed value may take in a message: as is, JSON-escaped, base64, base64url, hex. */
function formsOf(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
  ];
}

/** True when `message` (lower-cased) contains `form` or any run of RUN_LENGTH characters of it. */
function shows(message: string, form: string): boolean {
  const text = form.toLowerCase();
  if (text.length <= RUN_LENGTH) return message.includes(text);
  for (let i = 0; i + RUN_LENGTH <= text.length; i++) {
    if (message.includes(text.slice(i, i + RUN_LENGTH))) return true;
  }
  return false;
}

/** Every key of the objects under a value (keys inside a JSON secret are part of the secret). */
function keysUnder(value: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > 32 || value === null || typeof value !== 'object') return out;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key.length >= MIN_REDACT_LENGTH) out.add(key);
    keysUnder(child, out, depth + 1);
  }
  return out;
}

/** The issue message without any value: cut "received …", withhold when a value still shows. */
export function safeIssueMessage(message: string, value: unknown, knownValues: ReadonlySet<string>): string {
  const cut = String(message).replace(RECEIVED_CLAUSE, '').trim();
  const candidates = keysUnder(value, leafStrings(value, new Set(knownValues)));
  if (typeof value === 'string' && value.length > 0) candidates.add(value);
  const lower = cut.toLowerCase();
  for (const candidate of candidates) {
    if (candidate.length > 0 && formsOf(candidate).some((form) => shows(lower, form))) return WITHHELD_ISSUE;
  }
  return cut === '' ? BARE_ISSUE : cut;
}

/**
 * Validates `merged` with the schema. Throws VALIDATION_FAILED listing `key: issue` pairs.
 * `secretValues` are redacted from issue messages wherever they appear.
 */
export async function validateConfig(
  schema: StandardSchemaV1,
  merged: Record<string, unknown>,
  secretValues: ReadonlySet<string>,
): Promise<void> {
  let result: StandardSchemaV1.Result<unknown>;
  try {
    result = await schema['~standard'].validate(merged);
  } catch (error) {
    // A throwing schema (e.g. a refine that throws) may put a value into its message: keep only the name.
    throw new KeyVaultConfigError(
      KeyVaultConfigErrorCode.ValidationFailed,
      schemaThrew(error instanceof Error ? error.name : undefined),
    );
  }
  if (!result.issues || result.issues.length === 0) return;
  const issues = result.issues.map((issue) => ({
    key: pathOf(issue),
    issue: safeIssueMessage(issue.message, valueAt(merged, issue), secretValues),
  }));
  const keys = [...new Set(issues.map(({ key }) => key))];
  throw new KeyVaultConfigError(KeyVaultConfigErrorCode.ValidationFailed, validationFailed(issues), {
    key: keys.join(', '),
  });
}
