import { execFile } from 'node:child_process';
import { get } from 'node:https';
import { connect, createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, networkGuard } from '../support/network-guard.mjs';

const run = promisify(execFile);

function connectError(host: string, port: number): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => reject(new Error(`connected to ${host}:${port}`)));
    socket.once('error', resolve);
  });
}

describe('network guard', () => {
  it('refuses IMDS and names the address, and records the violation', async () => {
    const error = await connectError('169.254.169.254', 80);
    expect(error.code).toBe('ENETGUARD');
    expect(error.message).toContain('169.254.169.254:80');
    expect(networkGuard.take().map((v) => v.address)).toEqual(['169.254.169.254:80']);
  });

  it('refuses HTTPS to Azure hosts by name, before any DNS lookup', async () => {
    for (const host of ['login.microsoftonline.com', 'myvault.vault.azure.net']) {
      const error = await new Promise<Error>((resolve) => {
        get(`https://${host}/`, () => resolve(new Error('answered'))).once('error', resolve);
      });
      expect(error.message).toContain(`${host}:443`);
    }
    expect(networkGuard.take().map((v) => v.address)).toEqual([
      'login.microsoftonline.com:443',
      'myvault.vault.azure.net:443',
    ]);
  });

  it('refuses private-range addresses too', async () => {
    const error = await connectError('10.0.0.1', 443);
    expect(error.message).toContain('10.0.0.1:443');
    networkGuard.take();
  });

  it('lets loopback through', async () => {
    const server = createServer((socket) => socket.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const data = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    server.close();
    expect(data).toBe('hi');
    expect(networkGuard.violations).toEqual([]);
  });

  it('classifies addresses', () => {
    for (const host of ['127.0.0.1', '127.10.0.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['169.254.169.254', '10.1.2.3', '128.0.0.1', 'example.com', '::ffff:10.0.0.1', '::']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('is loaded into child processes, which report back to the test', async () => {
    const script = `require('node:net').connect(443, '169.254.169.254').on('error', (e) => { console.log(e.code); });`;
    const { stdout, stderr } = await run(process.execPath, ['-e', script], { env: process.env });
    expect(stdout.trim()).toBe('ENETGUARD');
    expect(stderr).toContain('blocked a connection to 169.254.169.254:443');
    // The child's violation is in this worker's log; consume it so this test does not fail itself.
    const { readFileSync, writeFileSync } = await import('node:fs');
    const log = process.env.NETWORK_GUARD_LOG!;
    expect(readFileSync(log, 'utf8')).toContain('169.254.169.254:443');
    writeFileSync(log, '');
  });

  it('fails a test that reached a non-loopback address even if the error was swallowed', async () => {
    const config = fileURLToPath(new URL('./fixtures/vitest.fixture.config.ts', import.meta.url));
    const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
    // The child is a whole Vitest run with its own guard; keep our NODE_OPTIONS guard out of its way.
    const env = { ...process.env, NODE_OPTIONS: '', NETWORK_GUARD_LOG: '', NETWORK_GUARD_DIR: '' };
    const failure = await run(process.execPath, [vitest, 'run', '--config', config], { env }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure, 'the violating fixture must fail its run').toBeDefined();
    expect(failure!.code).toBe(1);
    expect(`${failure!.stdout}${failure!.stderr}`).toContain(
      'Network guard: this test tried to reach non-loopback addresses: 169.254.169.254:80',
    );
  });
});
