/**
 * The emulator's command line. Contract other tools rely on: once ready, stdout carries exactly the
 * five `NAME=value` lines of `emulator.env` (plus those of --workload-identity, --service-principal and
 * --legacy-msi when given) and nothing else; everything for humans goes to stderr;
 * bad arguments exit 2; SIGINT/SIGTERM close the emulator and exit 0.
 */
import {
  FaultSpecError,
  parseRole,
  resolveSeed,
  SeedError,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type SeedFile,
} from 'keyvault-emulator';
import { parseArguments, UsageError, type CliCommand } from './emulator-cli.arguments.js';
import {
  EXIT_START_FAILED,
  EXIT_USAGE,
  PARENT_CHECK_INTERVAL_MS,
  PROGRAM,
  USAGE,
} from './emulator-cli.constants.js';

type RunCommand = Extract<CliCommand, { kind: 'run' }>;

function usageFailure(message: string): never {
  process.stderr.write(`${PROGRAM}: ${message}\n\n${USAGE}\n`);
  process.exit(EXIT_USAGE);
}

/** Human-readable summary for stderr: where things are, who may do what — never a value or header. */
function banner(emulator: Emulator, options: EmulatorOptions, seed: SeedFile, command: RunCommand): string {
  const lines = ['Azure Key Vault emulator ready'];
  for (const vault of emulator.vaults) {
    const count = vault.secretNames().length;
    lines.push(`  vault ${vault.name}: ${vault.url} (${count} secret${count === 1 ? '' : 's'})`);
  }
  lines.push(
    `  identity endpoints: ${emulator.identityEndpoint} (App Service), ` +
      `${emulator.identityHost}/metadata/identity/oauth2/token (IMDS)`,
  );
  const systemRole = parseRole(options.systemAssignedRole ?? seed.systemAssignedRole ?? 'officer');
  lines.push(`  system-assigned identity: client id ${emulator.systemAssigned.clientId}, role ${systemRole}`);
  for (const identity of [...(seed.identities ?? []), ...(options.identities ?? [])]) {
    lines.push(`  user-assigned identity: client id ${identity.clientId}, role ${parseRole(identity.role)}`);
  }
  lines.push(`  Entra ID token endpoint: ${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`);
  if (emulator.workloadIdentity) {
    const { clientId, namespace, serviceAccount } = emulator.workloadIdentity;
    lines.push(
      `  workload identity: client id ${clientId}, federated with system:serviceaccount:${namespace}:${serviceAccount}`,
    );
  }
  if (emulator.servicePrincipal) {
    lines.push(
      `  service principal: client id ${emulator.servicePrincipal.clientId} (a client secret and a certificate — the master secret this project exists to remove)`,
    );
  }
  lines.push(`  token lifetime: ${options.tokenLifetimeSeconds ?? 3600} s; tenant ${emulator.tenantId}`);
  if (options.latencyMs) lines.push(`  latency: ${options.latencyMs} ms per vault request`);
  if (options.throttle) {
    const retryAfter = options.throttleRetryAfter ? 'with' : 'without';
    lines.push(
      `  throttle: ${options.throttle} transactions per vault per 10 s, 429 ${retryAfter} Retry-After`,
    );
  }
  if (options.softDeleteDelayMs) {
    lines.push(
      `  asynchronous soft delete: deletes, recovers and purges finish after ${options.softDeleteDelayMs} ms`,
    );
  }
  if (options.dataFile) lines.push(`  data file: ${options.dataFile}`);
  for (const fault of command.faults) lines.push(`  fault: ${JSON.stringify(fault)}`);
  if (command.failIdentity) {
    const { count, mode } = command.failIdentity;
    lines.push(
      `  identity failures: the next ${count} token request(s) ${mode === 'hang' ? 'hang' : 'answer 500'}`,
    );
  }
  lines.push(
    `  admin API: ${emulator.identityHost}/_emulator/ (send X-IDENTITY-HEADER: $IDENTITY_HEADER), ` +
      `e.g. curl -H "X-IDENTITY-HEADER: $IDENTITY_HEADER" ${emulator.identityHost}/_emulator/counters`,
  );
  lines.push('  stdout carries the environment for your app; stop with Ctrl+C.');
  return `${lines.join('\n')}\n`;
}

async function run(command: RunCommand): Promise<void> {
  const { options } = command;
  const seed = readSeed(options.seed);
  const emulator = await startOrExit(options);
  await applyFaults(emulator, command);
  closeOnSignals(emulator);
  // The machine-readable contract: exactly these lines, in the order of `emulator.env`.
  const env = Object.entries(emulator.env)
    .map(([name, value]) => `${name}=${value}\n`)
    .join('');
  process.stdout.write(env);
  process.stderr.write(banner(emulator, options, seed, command));
}

/** The seed, read here too: for the banner's identities, and so that a bad seed file is a bad argument. */
function readSeed(path: RunCommand['options']['seed']): SeedFile {
  try {
    const seed = resolveSeed(path);
    // Roles in the seed are checked here so that a typo is a bad argument, not a failed start.
    for (const role of [seed.systemAssignedRole, ...(seed.identities ?? []).map((i) => i.role)]) {
      if (role !== undefined) parseRole(role);
    }
    return seed;
  } catch (error) {
    usageFailure(`--seed: ${(error as Error).message}`);
  }
}

/** Starts the emulator; a seed the emulator refuses is a usage error, anything else a failed start. */
async function startOrExit(options: RunCommand['options']): Promise<Emulator> {
  try {
    return await startEmulator({
      ...options,
      logger: {
        warn: (message) => process.stderr.write(`${PROGRAM}: warning: ${message}\n`),
        error: (message) => process.stderr.write(`${PROGRAM}: error: ${message}\n`),
      },
    });
  } catch (error) {
    if (error instanceof SeedError) usageFailure((error as Error).message);
    process.stderr.write(`${PROGRAM}: could not start: ${(error as Error).message}\n`);
    process.exit(EXIT_START_FAILED);
  }
}

/** `--fault` and `--fail-identity`: a rule the injector refuses closes the emulator, then is a usage error. */
async function applyFaults(emulator: Emulator, command: RunCommand): Promise<void> {
  try {
    for (const fault of command.faults) emulator.faults.add(fault);
    if (command.failIdentity)
      emulator.faults.failIdentity(command.failIdentity.count, command.failIdentity.mode);
  } catch (error) {
    await emulator.close();
    if (error instanceof FaultSpecError) usageFailure(`--fault: ${error.message}`);
    throw error;
  }
}

/** SIGINT / SIGTERM (and npm going away) close the emulator; a second signal exits without waiting. */
function closeOnSignals(emulator: Emulator): void {
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) {
      process.stderr.write(`${PROGRAM}: ${reason} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`${PROGRAM}: ${reason}, closing\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${PROGRAM}: error while closing: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT received'));
  process.on('SIGTERM', () => stop('SIGTERM received'));
  if (process.env.npm_lifecycle_event === 'emulator') {
    // Under `npm run`, npm forwards SIGTERM to the `sh -c` it spawned, which dies without passing it on:
    // follow the parent instead, so that stopping npm never leaves an orphaned emulator behind.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop('npm exited');
    }, PARENT_CHECK_INTERVAL_MS).unref();
  }
}

function main(argv: readonly string[]): void {
  let command: CliCommand;
  try {
    command = parseArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) usageFailure(error.message);
    throw error;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  run(command).catch((error: unknown) => {
    process.stderr.write(`${PROGRAM}: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(EXIT_START_FAILED);
  });
}

main(process.argv.slice(2));
