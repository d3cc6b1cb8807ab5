import { ConsoleLogger } from '@nestjs/common';

/**
 * Nest's console logger, minus the dump of a startup error. A failed Key Vault load rejects
 * `NestFactory.create`; Nest's exception zone logs the error (message, stack and cause) under
 * `ExceptionHandler` before it rejects. The sample's `bootstrap().catch()` prints that error as one
 * readable line instead (the library's messages already say what to do), so the dump is left out
 * here. Apps that ship JSON logs keep Nest's line: it is the same error, with its code.
 */
export class SampleLogger extends ConsoleLogger {
  override error(message: unknown, ...optionalParams: unknown[]): void {
    if (message instanceof Error && optionalParams.at(-1) === 'ExceptionHandler') return;
    super.error(message, ...optionalParams);
  }
}
