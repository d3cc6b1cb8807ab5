/**
 * One short, token-free line from an SDK credential error, and which credential such a message comes
 * from — the raw material of the CREDENTIAL_UNAVAILABLE message (credential-failure.ts).
 */
import { credentialNeeds } from './messages/index.js';

/** Longest reason kept per credential in the failure message. */
const MAX_REASON_LENGTH = 280;

/** Anything shaped like a JWT is replaced, so no token can reach a message even if an SDK echoed one. */
export function redactTokens(text: string): string {
  return text.replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '[token redacted]');
}

/**
 * One short line from an SDK error message: error-class prefixes and the credential's own name removed,
 * whitespace collapsed, the "to troubleshoot, visit https://aka.ms/…" sentences dropped (they are the same
 * for everyone and drown the reason), tokens redacted, length capped.
 */
export function shortReason(message: string, credentialName?: string): string {
  let text = redactTokens(String(message)).replace(/\s+/g, ' ').trim();
  text = text.replace(/^(?:(?:CredentialUnavailable|Authentication|AuthenticationRequired)?Error:\s*)+/, '');
  if (credentialName && text.startsWith(credentialName)) {
    text = text.slice(credentialName.length).replace(/^:?\s*/, '');
  }
  if (/^unavailable\. No underlying credential could be used\.?/i.test(text.replace(/^is /, ''))) {
    return credentialNeeds.environment;
  }
  text = text
    .replace(/^(?:is )?unavailable\.\s*/i, '')
    // "To troubleshoot, visit <url>", "See the troubleshooting guide … <url>", "see the troubleshooting guidelines at <url>"
    .replace(/[^.]*\btroubleshoot\w*\b[^.]*?https?:\/\/\S+/gi, '')
    // MSAL: "See https://aka.ms/msal.js.errors#network_error for details"
    .replace(/:?\s*See https?:\/\/\S+ for details\.?/gi, '')
    // MSAL's managed identity errors: "Message <code>: Error(s): Not Available - Timestamp: Not Available -
    // Description: <what happened> - Correlation ID: … - Trace ID: Not Available"
    .replace(/\s*-?\s*(?:Error\(s\)|Timestamp|Trace ID|Correlation ID):\s*Not Available/gi, '')
    .replace(/Message\s*(\w*)\s*:?\s*-?\s*Description:\s*/i, (_, code: string) => (code ? `${code}: ` : ''))
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,])/g, '$1')
    .replace(/[\s,:;-]+$/, '')
    .trim();
  if (text === '') text = 'no reason given';
  if (text.length > MAX_REASON_LENGTH) {
    // Prefer the first sentence when it says enough; otherwise cut.
    const firstSentence = /^.{40,}?\.(?=\s)/.exec(text)?.[0];
    text =
      firstSentence && firstSentence.length <= MAX_REASON_LENGTH
        ? firstSentence
        : `${text.slice(0, MAX_REASON_LENGTH - 1).trimEnd()}…`;
  }
  // "nope" → "Nope", but keep identifiers such as "clientId is required" as they are.
  return /^[a-z]+\b(?![A-Z])/.test(text) && !/^[a-z]+[A-Z]/.test(text)
    ? text.charAt(0).toUpperCase() + text.slice(1)
    : text;
}

/** The credential an SDK message comes from, for errors that reach us without our per-call record. */
export function credentialNameFromMessage(message: string): string | undefined {
  const named = /^(?:\w*Error:\s*)*(\w+Credential)\b/.exec(message.trim())?.[1];
  if (named) return named;
  if (/Visual Studio Code/i.test(message)) return 'VisualStudioCodeCredential';
  if (/Azure Developer CLI|azd auth login/i.test(message)) return 'AzureDeveloperCliCredential';
  if (/Azure CLI|az login|aka\.ms\/azure-cli/i.test(message)) return 'AzureCliCredential';
  if (/PowerShell|Connect-AzAccount|Az\.Account/i.test(message)) return 'AzurePowerShellCredential';
  if (/\bbroker\b|\bWAM\b/i.test(message)) return 'BrokerCredential';
  if (/managed identity|IMDS/i.test(message)) return 'ManagedIdentityCredential';
  return undefined;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'unknown error';
}

export function errorName(error: unknown): string | undefined {
  return error !== null && typeof error === 'object'
    ? (error as { name?: unknown }).name?.toString()
    : undefined;
}
