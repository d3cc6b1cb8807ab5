import { describe, expect, it } from 'vitest';
import { parseArguments, parseFailIdentity, parseFaultSpec, UsageError } from './emulator-cli.arguments.js';

describe('parseArguments', () => {
  it('starts with defaults when given nothing', () => {
    expect(parseArguments([])).toEqual({ kind: 'run', options: {}, faults: [] });
  });

  it('maps every flag onto the emulator options', () => {
    const command = parseArguments([
      '--seed',
      'seed.json',
      '--port',
      '0',
      '--identity-port=8081',
      '--latency',
      '15',
      '--throttle',
      '50',
      '--role',
      'reader',
      '--data',
      '.emulator-data/state.json',
      '--host',
      '127.0.0.2',
      '--token-lifetime',
      '120',
      '--vault-name',
      'myvault',
      '--fault',
      'route=secrets.get,status=503,times=2',
      '--fault=latency=20,jitter=10',
      '--fail-identity',
      '2:hang',
    ]);
    expect(command).toEqual({
      kind: 'run',
      options: {
        seed: 'seed.json',
        port: 0,
        identityPort: 8081,
        latencyMs: 15,
        throttle: 50,
        systemAssignedRole: 'Key Vault Reader',
        dataFile: '.emulator-data/state.json',
        host: '127.0.0.2',
        tokenLifetimeSeconds: 120,
        vaultName: 'myvault',
      },
      faults: [
        { route: 'secrets.get', status: 503, times: 2 },
        { latencyMs: 20, jitterMs: 10 },
      ],
      failIdentity: { count: 2, mode: 'hang' },
    });
  });

  it('accepts full role names case-insensitively', () => {
    const command = parseArguments(['--role', 'key vault secrets user']);
    expect(command.kind === 'run' && command.options.systemAssignedRole).toBe('Key Vault Secrets User');
  });

  it('takes --soft-delete-delay in milliseconds (asynchronous soft delete; 0 and omitted: at once)', () => {
    expect(parseArguments(['--soft-delete-delay', '250'])).toMatchObject({
      options: { softDeleteDelayMs: 250 },
    });
    expect(parseArguments(['--soft-delete-delay=0'])).toMatchObject({ options: { softDeleteDelayMs: 0 } });
    expect(() => parseArguments(['--soft-delete-delay', '-1'])).toThrow('--soft-delete-delay must be');
  });

  it('takes --throttle-retry-after as a switch (Key Vault sends no Retry-After, so it is off by default)', () => {
    expect(parseArguments(['--throttle', '250'])).toEqual({
      kind: 'run',
      options: { throttle: 250 },
      faults: [],
    });
    expect(parseArguments(['--throttle', '250', '--throttle-retry-after', '--port', '0'])).toEqual({
      kind: 'run',
      options: { throttle: 250, throttleRetryAfter: true, port: 0 },
      faults: [],
    });
    expect(() => parseArguments(['--throttle-retry-after=yes'])).toThrow(
      '--throttle-retry-after takes no value',
    );
    expect(() => parseArguments(['--throttle-retry-after', '--throttle-retry-after'])).toThrow(
      '--throttle-retry-after given more than once',
    );
  });

  it('answers help wherever it appears', () => {
    expect(parseArguments(['--port', '1', '--help'])).toEqual({ kind: 'help' });
    expect(parseArguments(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['seed.json'], 'unexpected argument "seed.json"'],
    [['--port'], '--port needs a value'],
    [['--port', '--seed', 'x'], '--port needs a value'],
    [['--port', 'eighty'], '--port must be an integer from 0 to 65535, got "eighty"'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535'],
    [['--port', '-1'], '--port must be an integer from 0 to 65535, got "-1"'],
    [['--latency', '1.5'], '--latency must be an integer >= 0'],
    [['--throttle', '0'], '--throttle must be a positive number'],
    [['--token-lifetime', '0'], '--token-lifetime must be an integer >= 1'],
    [['--role', 'admin'], '--role: Unknown role "admin"'],
    [['--seed', 'a', '--seed', 'b'], '--seed given more than once'],
    [['--seed='], '--seed needs a non-empty value'],
    [['--fail-identity', 'x'], '--fail-identity must be K or K:hang'],
    [['--fault', 'status=200'], 'status must be an integer from 400 to 599'],
  ])('rejects %j with a readable message', (argv, message) => {
    expect(() => parseArguments(argv)).toThrow(UsageError);
    expect(() => parseArguments(argv)).toThrow(message);
  });
});

describe('parseFaultSpec', () => {
  it('parses the documented examples', () => {
    expect(parseFaultSpec('route=secrets.get,status=503,times=2')).toEqual({
      route: 'secrets.get',
      status: 503,
      times: 2,
    });
    expect(parseFaultSpec('status=429,retry-after=1')).toEqual({ status: 429, retryAfterSeconds: 1 });
    expect(parseFaultSpec('route=secrets.list,reset')).toEqual({ route: 'secrets.list', reset: true });
    expect(parseFaultSpec('latency=20,jitter=10')).toEqual({ latencyMs: 20, jitterMs: 10 });
  });

  it('takes hostile bodies', () => {
    expect(parseFaultSpec('route=secrets.get,body=truncated,truncate-at=12,times=1')).toEqual({
      route: 'secrets.get',
      body: 'truncated',
      truncateAt: 12,
      times: 1,
    });
    expect(parseFaultSpec('body=html,status=200')).toEqual({ body: 'html', status: 200 });
    expect(parseFaultSpec('body=empty,status=401')).toEqual({ body: 'empty', status: 401 });
    expect(parseFaultSpec('route=secrets.list,body=emptyPage,times=2')).toEqual({
      route: 'secrets.list',
      body: 'emptyPage',
      times: 2,
    });
  });

  it('takes several routes, a vault, hang and spaces', () => {
    expect(parseFaultSpec(' route=secrets.get|secrets.list , vault=other , hang ')).toEqual({
      route: ['secrets.get', 'secrets.list'],
      vault: 'other',
      hang: true,
    });
    expect(parseFaultSpec('route=identity.imds+identity.appservice,status=500')).toEqual({
      route: ['identity.imds', 'identity.appservice'],
      status: 500,
    });
  });

  it.each([
    ['', 'empty fault specification'],
    ['route=secrets.nope,status=500', 'unknown route "secrets.nope"'],
    ['status=503,reset', 'at most one of status, reset and hang'],
    ['times=2', 'a fault needs status=…, reset, hang, latency=… or jitter=…'],
    ['retry-after=1,latency=5', 'retry-after needs a status'],
    ['colour=red,status=500', 'unknown key "colour"'],
    ['status', '"status" needs a value'],
    ['reset=maybe', '"reset" is a flag'],
    ['status=503,times=0', 'times must be an integer >= 1'],
    ['status=200', 'status must be an integer from 400 to 599'],
    ['body=xml', "'body' must be one of html, empty, truncated, emptyPage"],
    ['body=emptyPage', 'needs a list route'],
    ['body=truncated,status=500', 'replaces the real answer'],
  ])('rejects %j', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

describe('parseFailIdentity', () => {
  it('reads K, K:500 and K:hang', () => {
    expect(parseFailIdentity('3')).toEqual({ count: 3, mode: 500 });
    expect(parseFailIdentity('1:500')).toEqual({ count: 1, mode: 500 });
    expect(parseFailIdentity('2:HANG')).toEqual({ count: 2, mode: 'hang' });
    expect(() => parseFailIdentity('0')).toThrow('--fail-identity must be an integer >= 1');
    expect(() => parseFailIdentity('2:slow')).toThrow(UsageError);
  });
});
