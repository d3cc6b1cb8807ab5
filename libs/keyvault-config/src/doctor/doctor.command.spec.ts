import { describe, expect, it } from 'vitest';
import { DoctorUsageError, parseDoctorArgs } from './doctor.command.js';

describe('parseDoctorArgs', () => {
  it('defaults: text output, nothing else set; the command name is optional', () => {
    expect(parseDoctorArgs(['doctor'])).toEqual({ json: false, help: false });
    expect(parseDoctorArgs([])).toEqual({ json: false, help: false });
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    expect(
      parseDoctorArgs([
        'doctor',
        '--vault-url',
        'https://v.vault.azure.net',
        '--env-file=.env.local',
        '--secrets',
        ' A , B,,C ',
        '--config',
        'dist/options.js',
        '--timeout=1500',
        '--json',
      ]),
    ).toEqual({
      vaultUrl: 'https://v.vault.azure.net',
      envFile: '.env.local',
      secrets: ['A', 'B', 'C'],
      config: 'dist/options.js',
      timeoutMs: 1500,
      json: true,
      help: false,
    });
    expect(parseDoctorArgs(['--prefix', 'App1-', '-h'])).toMatchObject({ prefix: 'App1-', help: true });
  });

  it.each([
    [['--bogus'], 'Unknown option --bogus.'],
    [['lint'], "Unknown command 'lint': the only command is 'doctor'."],
    [['--vault-url'], '--vault-url needs a value.'],
    [['--vault-url', '--json'], '--vault-url needs a value.'],
    [['--prefix='], '--prefix needs a value.'],
    [['--timeout', '0'], "--timeout expects milliseconds from 1 to 3600000, got '0'."],
    [['--timeout', '2s'], "--timeout expects milliseconds from 1 to 3600000, got '2s'."],
    [['--secrets', ' , '], '--secrets expects names separated by commas.'],
    [
      ['--secrets', 'A', '--prefix', 'P'],
      '--secrets and --prefix cannot be combined: explicit mode gets exactly the named secrets.',
    ],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parseDoctorArgs(argv)).toThrow(new DoctorUsageError(message));
  });
});
