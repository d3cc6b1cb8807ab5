/**
 * `validationSchema`: any Standard Schema applied to the merged configuration (environment + vault
 * values per precedence). It is a check only — the configuration is returned as loaded, not the
 * schema's output (a Zod object would strip every key it does not declare). Failure messages name the
 * keys and the issues, never the values: "received …" clauses are cut, and an issue message that still
 * contains a value of the configuration is replaced.
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

/** The issue message without any value: cut "received …", withhold when a value still shows. */
export function safeIssueMessage(message: string, value: unknown, knownValues: ReadonlySet<string>): string {
  const cut = String(message).replace(RECEIVED_CLAUSE, '').trim();
  const candidates = leafStrings(value, new Set(knownValues));
  if (typeof value === 'string' && value.length > 0) candidates.add(value);
  for (const candidate of candidates) {
    if (candidate.length > 0 && cut.includes(candidate)) return WITHHELD_ISSUE;
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
