import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { masterSecretWarning, NO_MASTER_SECRET } from './identity/master-secret.messages.js';
import { SampleLogger } from './sample-logger.js';
import { readSampleOptions } from './sample-options.js';

const logger = new Logger('Sample');

/** A failure as one readable line (the library's messages already say what to do), never a stack. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `[${code}] ${error.message}` : error.message;
  }
  return String(error);
}

async function bootstrap(): Promise<void> {
  // Read before the library loads anything: the master secrets are those the deployment gave the app.
  const options = readSampleOptions();
  const { masterSecrets } = options;
  // Said before the load, so a run on a service principal warns even when its secret is refused.
  if (masterSecrets.present) logger.warn(masterSecretWarning(masterSecrets.variables));
  else logger.log(NO_MASTER_SECRET);
  const module = await AppModule.forRoot(options);
  // The Key Vault load runs inside create: with abortOnError: false a failure rejects it, and the
  // catch below prints it.
  const app = await NestFactory.create<NestExpressApplication>(module, {
    abortOnError: false,
    logger: new SampleLogger(),
  });
  // Refresh timers stop on shutdown, and Ctrl-C / SIGTERM (npm start, App Service) close the server.
  app.enableShutdownHooks();
  await app.listen(options.port, options.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.log(`Listening on http://${host}:${port}`);
}

bootstrap().catch((error: unknown) => {
  logger.error(`Startup failed: ${describe(error)}`);
  // Exit now: idle keep-alive sockets to the vault would otherwise hold the process for a while.
  process.exit(1);
});
