import { constants, sign, verify, type KeyObject } from 'node:crypto';

/** A compact JWS split into its parts; header and payload parsed. */
export interface ParsedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function jsonObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and parses a compact JWS; undefined for anything that is not one. */
export function parseJws(token: string): ParsedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '' && p !== parts[2])) return undefined;
  const header = jsonObject(parts[0]);
  const payload = jsonObject(parts[1]);
  if (!header || !payload) return undefined;
  return {
    header,
    payload,
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2], 'base64url'),
  };
}

/**
 * Checks the signature of an RS256 or PS256 JWS (what MSAL's certificate assertions and Kubernetes' service
 * account tokens use). Any other `alg` — `none` above all — fails.
 */
export function verifyJws(jws: ParsedJws, key: KeyObject): boolean {
  const data = Buffer.from(jws.signingInput);
  if (jws.header.alg === 'RS256') return verify('sha256', data, key, jws.signature);
  if (jws.header.alg === 'PS256') {
    return verify(
      'sha256',
      data,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
      jws.signature,
    );
  }
  return false;
}

/** Signs an RS256 JWS (the emulated cluster's service account tokens; tests' own assertions). */
export function signRs256(header: Record<string, unknown>, payload: object, key: KeyObject): string {
  const input = `${b64url(JSON.stringify({ ...header, alg: 'RS256' }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}
