/**
 * No message can carry a secret value. Messages take names, hosts, codes and counts; where a parameter
 * could hold user data at run time (an entry object that also has `value`, an option's value, a
 * subject built from a context that carries more than names), a canary is fed in and must not come out.
 * Every exported message must have a case here, so a new message cannot skip the check. (Plain
 * string constants — referenceProblem's words, WITHHELD_ISSUE — take no parameter at all.)
 */
import { describe, expect, it } from 'vitest';
import { CANARY, secretValue } from '../../../../../test/support/load-harness.js';
import * as m from './index.js';

/** A value as long as a real generated secret (a 32-byte key in base64 is 44 characters). */
const LONG = secretValue('x'.repeat(30));
/** Names and hosts that travel with a value: the value must stay behind. */
const withValue = <T extends object>(named: T): T => ({ ...named, value: secretValue('v') }) as T;
const subject = withValue<m.VaultSubject>({ vault: 'v.vault.azure.net', secretName: 'Db', key: 'Db' });
const credential = withValue({ name: 'ManagedIdentityCredential', detail: 'IMDS' });
const entry = withValue<m.KeySource>({ key: 'Db', secretName: 'Db', vault: 'v.vault.azure.net' });
const range = { min: 1, max: 2 };
const secretSubject = withValue<m.SecretSubject>({ secretName: 'Db', vault: 'v', key: 'Db' });
const origins = (): m.SecretOrigin[] => ['list', 'explicit', 'explicit-optional', 'reference'];
/** Option values that hold a secret: too long to show, or not a string. */
const optionValues: unknown[] = [LONG, { password: secretValue('o') }, [secretValue('a')], 12];

type Case = () => string;
const functions: Record<string, Case[]> = {
  azNetworkRuleAdd: [() => m.azNetworkRuleAdd('v')],
  azSetSecretPolicy: [() => m.azSetSecretPolicy('v', 'oid')],
  azAssignSecretsUser: [() => m.azAssignSecretsUser('v', 'oid')],
  azKeyVaultShow: [() => m.azKeyVaultShow('v', 'id')],
  azSecretSet: [() => m.azSecretSet('v', 'Db')],
  azSecretRecover: [() => m.azSecretRecover('v', 'Db')],
  azSecretEnable: [() => m.azSecretEnable('v', 'Db')],
  azRoleAssignmentCreate: [() => m.azRoleAssignmentCreate('oid', '<scope>')],
  azLogin: [() => m.azLogin('t')],
  azAccountSet: [() => m.azAccountSet()],
  azWebappIdentityAssign: [() => m.azWebappIdentityAssign(true)],
  azFederatedCredentialCreate: [() => m.azFederatedCredentialCreate()],
  credentialWithIdentity: [() => m.credentialWithIdentity(withValue({ ...credential, objectId: 'o' }))],
  authenticatedLine: [() => m.authenticatedLine('X as oid=o')],
  credentialAttemptLine: [
    () =>
      m.credentialAttemptLine(withValue({ name: 'X', outcome: 'failed', reason: 'No response' } as const)),
  ],
  credentialUnavailable: [
    () =>
      m.credentialUnavailable(
        withValue({
          chain: 'DefaultAzureCredential',
          attempts: ['X: failed — No response'],
          managedIdentityClientId: 'c',
        }),
      ),
    () => m.credentialUnavailable(withValue({ chain: 'MyCredential', attempts: [] })),
  ],
  invalidTokenCredentials: [() => m.invalidTokenCredentials('Invalid value.')],
  // The environment holds a client secret: the fixes name the app, never the secret.
  entraFixes: [
    () =>
      m
        .entraFixes(
          [
            'AADSTS7000215',
            'AADSTS700024',
            'AADSTS700213',
            'AADSTS90002',
            'AADSTS700016',
            'AADSTS700027',
          ].map((code) => withValue({ name: 'X', outcome: 'failed', reason: `${code}: refused` } as const)),
          { AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: secretValue('s'), AZURE_FEDERATED_TOKEN_FILE: '/t' },
        )
        .join('\n'),
  ],
  subjectOf: [() => m.subjectOf(subject), () => m.subjectOf(withValue({ ...subject, variable: 'DB' }))],
  credentialPhrase: [() => m.credentialPhrase(credential)],
  firewallDenied: [() => m.firewallDenied({ subject, vaultName: 'v', permission: 'get' })],
  accessDenied: [
    () =>
      m.accessDenied(
        withValue({
          subject,
          vaultName: 'v',
          permission: 'list',
          identity: 'oid=1',
          credential,
          assignee: '1',
          status: 403,
          accessPolicies: false,
        }),
      ),
  ],
  tokenRejected: [() => m.tokenRejected({ subject, vaultName: 'v', credential, code: 'Unauthorized' })],
  secretNotFound: [() => m.secretNotFound({ subject, vaultName: 'v' })],
  notAKeyVault: [() => m.notAKeyVault(withValue({ vault: 'v', vaultName: 'v' }))],
  throttled: [() => m.throttled({ subject, maxRetries: 4 })],
  throttledUntilDeadline: [
    () =>
      m.throttledUntilDeadline({
        subject,
        timeoutMs: 60_000,
        responses429: 12,
        waitedMs: 5400,
        lowestConcurrency: 1,
      }),
  ],
  serviceFailed: [() => m.serviceFailed({ subject, status: 503, maxRetries: 4 })],
  unexpectedStatus: [() => m.unexpectedStatus({ subject, status: 400 })],
  tokenRequestTimedOut: [() => m.tokenRequestTimedOut(30_000)],
  unreadableResponse: [() => m.unreadableResponse({ subject, vaultName: 'v', status: 200 })],
  hostNotResolved: [() => m.hostNotResolved({ subject, vaultName: 'v', code: 'ENOTFOUND' })],
  tlsFailed: [() => m.tlsFailed({ subject, code: 'CERT_HAS_EXPIRED' })],
  vaultUnreachable: [() => m.vaultUnreachable({ subject, vaultName: 'v', code: 'ECONNRESET' })],
  challengeResourceMismatch: [() => m.challengeResourceMismatch(withValue({ vault: 'v', vaultName: 'v' }))],
  requestFailed: [() => m.requestFailed({ subject, vaultName: 'v', errorName: 'Error' })],
  describeValue: optionValues.map((value) => () => m.describeValue(value)),
  invalidOption: [() => m.invalidOption('concurrency', m.optionProblem.notABoolean(LONG))],
  invalidJsonContent: [
    () => m.invalidJsonContent(withValue({ secretName: 'Db', vault: 'v.vault.azure.net', vaultName: 'v' })),
  ],
  sameKeyCollision: [() => m.sameKeyCollision(entry, entry)],
  pathCollision: [() => m.pathCollision(entry, withValue({ ...entry, key: 'Db.Host' }))],
  loadFactoryCollision: [
    () =>
      m.loadFactoryCollision(
        withValue({ namespace: 'Db', region: 'Db', key: 'Db.P', secretName: 'Db--P', vault: 'v' }),
      ),
    () =>
      m.loadFactoryCollision(
        withValue({ namespace: undefined, region: 'Db', key: 'Db.P', secretName: 'Db--P', vault: 'v' }),
      ),
  ],
  namespaceBeforeLoad: [() => m.namespaceBeforeLoad()],
  namespaceKeyMissing: [() => m.namespaceKeyMissing('Db.P')],
  refreshNotSupported: [() => m.refreshNotSupported('refreshInterval', 'loadKeyVaultSecrets()')],
  malformedReference: [() => m.malformedReference(m.referenceProblem.notKeyValue, 'DB')],
  schemaThrew: [() => m.schemaThrew('TypeError')],
  validationFailed: [() => m.validationFailed([withValue({ key: 'Db', issue: m.WITHHELD_ISSUE })])],
  refreshUnexpectedError: [() => m.refreshUnexpectedError('SyntaxError')],
  refreshRecovered: [() => m.refreshRecovered(2, '2026-01-01T00:00:00.000Z')],
  refreshFailed: [
    () => m.refreshFailed(withValue({ code: 'TIMEOUT', message: 'Timed out.', loaded: 1, nextRetryMs: 1 })),
  ],
  refreshStillFailing: [
    () => m.refreshStillFailing(withValue({ code: 'TIMEOUT', message: 'Timed out.', failures: 2 })),
  ],
  refreshImpossible: [() => m.refreshImpossible('INVALID_OPTIONS')],
  listenerThrew: [() => m.listenerThrew('change', 'TypeError')],
  changesApplied: [
    () =>
      m.changesApplied({
        added: [withValue({ key: 'A' })],
        updated: [withValue({ key: 'B' })],
        removed: [withValue({ key: 'C', reason: 'deleted' })],
      }),
  ],
  keyLeftToApp: [() => m.keyLeftToApp('Db')],
  missingSecretWarning: origins().map((o) => () => m.missingSecretWarning(o, secretSubject, 'not found')),
  expiredSecretWarning: origins().map((o) => () => m.expiredSecretWarning(o, secretSubject, 'expired')),
  disabledSecret: origins().map(
    (o) => () => m.disabledSecret(o, withValue({ ...secretSubject, vaultName: 'v' })),
  ),
  unmappableSecretWarning: [() => m.unmappableSecretWarning('Db--', 'v')],
  unmappableExplicitSecret: [() => m.unmappableExplicitSecret('Db--')],
  reservedKeyWarning: [() => m.reservedKeyWarning('Db', 'v', '__proto__')],
  reservedExplicitSecret: [() => m.reservedExplicitSecret('Db', '__proto__')],
  reservedJsonKeyWarning: [() => m.reservedJsonKeyWarning('Db', 'v', '__proto__')],
  reservedReferenceWarning: [() => m.reservedReferenceWarning(secretSubject, 'constructor')],
  filterThrew: [() => m.filterThrew('Db')],
  keyMapperThrew: [() => m.keyMapperThrew('Db', 'v')],
  keyMapperReturnedNonKey: [
    () => m.keyMapperReturnedNonKey('Db', 'v', { value: secretValue('k') }),
    () => m.keyMapperReturnedNonKey('Db', 'v', [secretValue('k')]),
  ],
  loadTimedOut: [() => m.loadTimedOut(withValue({ timeoutMs: 1, hosts: ['v'], vaultName: 'v' }))],
  continuingWithoutVault: [() => m.continuingWithoutVault('The vault v is unreachable (ECONNREFUSED).')],
  loadedLine: [
    () => m.loadedLine(withValue({ loaded: 1, hosts: ['v'], elapsedMs: 1, credential: 'X' })),
    () =>
      m.loadedLine({
        loaded: 1,
        hosts: ['v'],
        elapsedMs: 1,
        credential: 'X',
        throttling: { responses429: 3, waitedMs: 1200, lowestConcurrency: 2 },
      }),
  ],
  // Variable names only: the values these lines are about never reach them.
  referencesExposed: [() => m.referencesExposed(['DB_PASSWORD', 'API_KEY'])],
  referencesRestored: [() => m.referencesRestored(['DB_PASSWORD'])],
  exposedVariablesLeftAlone: [() => m.exposedVariablesLeftAlone(['DB_PASSWORD'])],
  mountedFileUnreadable: [() => m.mountedFileUnreadable(withValue({ path: '/mnt/Db', problem: 'gone' }))],
  mountDirectoryUnreadable: [() => m.mountDirectoryUnreadable(withValue({ dir: '/mnt', problem: 'gone' }))],
  mountedJsonInvalid: [() => m.mountedJsonInvalid(withValue({ path: '/mnt/Db.json' }))],
  mountKeptChanging: [() => m.mountKeptChanging(withValue({ dir: '/mnt', attempts: 3 }))],
  mountWatchFailed: [() => m.mountWatchFailed(withValue({ dir: '/mnt', code: 'ENOSPC', polling: true }))],
};

/** Problems that take an option's value: each is fed every secret-bearing form of one. */
const valueProblems = [
  'notAnIntegerIn',
  'notABoolean',
  'notOneOf',
  'notAFunction',
  'notAnObject',
  'notAnArray',
  'invalidSecretName',
  'invalidKey',
  'invalidDescriptor',
  'invalidVersion',
  'invalidSecrets',
  'invalidPrefix',
  'invalidVaultEntry',
  'invalidDnsSuffix',
  'invalidClientOptions',
  'notADuration',
  'durationOutOfRange',
  'invalidHealthFailureThreshold',
] as const;
/** Problems whose parameters are hosts, URLs or names (shown by design), or that take none. */
const namedProblems: Record<string, Case> = {
  missingVaultUrl: () => m.optionProblem.missingVaultUrl(),
  notAUrl: () => m.optionProblem.notAUrl(undefined, 8),
  urlWithCredentials: () => m.optionProblem.urlWithCredentials(),
  httpNotLoopback: () => m.optionProblem.httpNotLoopback('v.vault.azure.net'),
  notHttps: () => m.optionProblem.notHttps('ftp:', 'v.vault.azure.net'),
  urlWithPath: () => m.optionProblem.urlWithPath('v.vault.azure.net'),
  noVault: () => m.optionProblem.noVault('KEY_VAULT_URL'),
  vaultEntryWithoutUrl: () => m.optionProblem.vaultEntryWithoutUrl(),
  duplicateSecretName: () => m.optionProblem.duplicateSecretName('Db-Password', 'secrets[0]'),
  explicitWithSelection: () => m.optionProblem.explicitWithSelection(),
  vaultsWithVaultUrl: () => m.optionProblem.vaultsWithVaultUrl(),
  secretsWithVaults: () => m.optionProblem.secretsWithVaults(),
  notACredential: () => m.optionProblem.notACredential(),
  invalidManagedIdentityClientId: () => m.optionProblem.invalidManagedIdentityClientId(),
  notAStandardSchema: () => m.optionProblem.notAStandardSchema(),
  invalidLogger: () => m.optionProblem.invalidLogger(),
  exposeWithoutResolving: () => m.optionProblem.exposeWithoutResolving(),
};

function problemCases(name: (typeof valueProblems)[number], value: unknown): string {
  const p = m.optionProblem;
  switch (name) {
    case 'notAnIntegerIn':
      return p.notAnIntegerIn(range, value);
    case 'notOneOf':
      return p.notOneOf(['a', 'b'], value);
    case 'durationOutOfRange':
      return p.durationOutOfRange(value, 5, range);
    default:
      return p[name](value);
  }
}

describe('messages never contain a value', () => {
  it('covers every exported message function', () => {
    const exported = Object.entries(m)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k);
    expect(exported.sort()).toEqual(Object.keys(functions).sort());
    const problems = Object.keys(m.optionProblem).sort();
    expect(problems).toEqual([...valueProblems, ...Object.keys(namedProblems)].sort());
  });

  it.each(Object.entries(functions))('%s', (_name, cases) => {
    for (const build of cases) {
      const message = build();
      expect(message.length).toBeGreaterThan(0);
      expect(message).not.toContain(CANARY);
    }
  });

  it.each(valueProblems)('optionProblem.%s shows the type or length of a secret-bearing value', (name) => {
    const messages = optionValues.map((value) => problemCases(name, value));
    expect(messages.filter((message) => message.includes(CANARY))).toEqual([]);
  });

  it.each(Object.entries(namedProblems))('optionProblem.%s', (_name, build) => {
    expect(build()).not.toContain(CANARY);
  });

  it('mountOptionProblem shows the type or length of a secret-bearing value', () => {
    const p = m.mountOptionProblem;
    const messages = optionValues.flatMap((value) => [p.notAPath(value), p.notAJsonMode(value)]);
    expect(messages.filter((message) => message.includes(CANARY))).toEqual([]);
  });

  it('referenceProblem.unknownKey shows at most 40 characters of the text before `=`', () => {
    const key = `Secret${LONG}`;
    expect(m.referenceProblem.unknownKey(key)).toContain(`'${key.slice(0, 40)}'`);
    expect(m.referenceProblem.unknownKey(key)).not.toContain(LONG);
  });
});
