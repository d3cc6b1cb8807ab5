#!/usr/bin/env node
/**
 * The `nestjs-keyvault-config` binary: `npx nestjs-keyvault-config doctor [options]`.
 * Exit codes: 0 the app would start, 1 it would not, 2 bad arguments.
 */
import { DoctorUsageError, parseDoctorArgs } from './doctor.command.js';
import { readDoctorConfig } from './doctor.config.js';
import { DOCTOR_USAGE, DoctorExitCode } from './doctor.constants.js';
import { renderJson, renderText } from './doctor.report.js';
import { runDoctor } from './doctor.js';

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseDoctorArgs(argv);
    if (args.help) {
      process.stdout.write(`${DOCTOR_USAGE}\n`);
      return DoctorExitCode.WouldStart;
    }
    const config = await readDoctorConfig(args);
    const report = await runDoctor(config);
    process.stdout.write(args.json ? renderJson(report) : renderText(report));
    return report.ok ? DoctorExitCode.WouldStart : DoctorExitCode.WouldNotStart;
  } catch (error) {
    if (error instanceof DoctorUsageError) {
      process.stderr.write(`nestjs-keyvault-config doctor: ${error.message}\n\n${DOCTOR_USAGE}\n`);
      return DoctorExitCode.BadArguments;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Let pending handles (keep-alive sockets) close on their own: exitCode, not exit().
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `nestjs-keyvault-config doctor failed unexpectedly: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exitCode = DoctorExitCode.WouldNotStart;
  },
);
