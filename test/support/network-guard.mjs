// Loopback-only network guard for tests and every process they spawn.
//
// Installed in the Vitest workers through `setupFiles` and in child Node processes through
// NODE_OPTIONS=--import=<this file> (set by the global setup). Any TCP/TLS connection to an address
// outside 127.0.0.0/8, ::1 or `localhost` — IMDS at 169.254.169.254, *.vault.azure.net,
// login.microsoftonline.com, anything — is refused before a packet leaves the machine, and recorded
// so the test that caused it fails even when the caller (e.g. DefaultAzureCredential probing IMDS)
// swallows the connection error.
//
// A `.invalid` host (RFC 6761) fails with ENOTFOUND as a resolver would answer, without a DNS query:
// tests of an unresolvable vault host use one.
//
// Plain JavaScript on purpose: it must load in any child process without a TypeScript loader.
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const GUARD = Symbol.for('keyvault-config.network-guard');

/** True for 127.0.0.0/8, ::1 (and its IPv4-mapped forms) and `localhost`. */
export function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') return true; // Node defaults to localhost
  let h = String(host).toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const mapped = h.startsWith('::ffff:') ? h.slice(7) : h;
  return net.isIPv4(mapped) && mapped.split('.')[0] === '127';
}

function targetOf(args) {
  let first = args[0];
  // net.connect() hands Socket#connect its already-normalized [options, callback] array.
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === 'object') {
    if (first.path) return undefined; // Unix socket / named pipe: local by definition
    return { host: first.host ?? 'localhost', port: first.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // IPC path
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

/** RFC 6761: `.invalid` names never resolve. The guard answers for them, so no DNS query leaves the machine. */
export function isInvalidHost(host) {
  const h = String(host ?? '')
    .toLowerCase()
    .replace(/\.$/, '');
  return h === 'invalid' || h.endsWith('.invalid');
}

function notFoundLookup(hostname, _options, callback) {
  const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname,
  });
  process.nextTick(() => callback(error));
}

/** The same connect arguments with a lookup that fails like a resolver that knows no such name. */
function withNotFoundLookup(args) {
  if (Array.isArray(args[0]))
    return [[{ ...args[0][0], lookup: notFoundLookup }, ...args[0].slice(1)], ...args.slice(1)];
  if (args[0] !== null && typeof args[0] === 'object')
    return [{ ...args[0], lookup: notFoundLookup }, ...args.slice(1)];
  const [port, host, ...rest] = args;
  const callback = rest.find((a) => typeof a === 'function');
  return [{ port: Number(port), host, lookup: notFoundLookup }, ...(callback ? [callback] : [])];
}

function install() {
  if (globalThis[GUARD]) return globalThis[GUARD];
  const violations = [];
  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const target = targetOf(args);
    if (target && isInvalidHost(target.host)) return originalConnect.apply(this, withNotFoundLookup(args));
    if (target && !isLoopbackHost(target.host)) {
      const address = `${target.host}:${target.port}`;
      const message =
        `Network guard: blocked a connection to ${address} — only loopback (127.0.0.0/8, ::1, localhost) ` +
        `is allowed here. Point identity at the emulator (IDENTITY_ENDPOINT/IDENTITY_HEADER or ` +
        `AZURE_POD_IDENTITY_AUTHORITY_HOST) or use an explicit credential.`;
      violations.push({ address, message, pid: process.pid });
      process.stderr.write(`[network-guard] ${message}\n`);
      if (process.env.NETWORK_GUARD_LOG) {
        try {
          appendFileSync(process.env.NETWORK_GUARD_LOG, `${JSON.stringify({ address, pid: process.pid })}\n`);
        } catch {
          // The log only helps the parent report; the connection is refused either way.
        }
      }
      const error = Object.assign(new Error(message), { code: 'ENETGUARD', address });
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return originalConnect.apply(this, args);
  };
  const api = {
    violations,
    /** Returns and clears the violations recorded in this process. */
    take() {
      return violations.splice(0, violations.length);
    },
  };
  globalThis[GUARD] = api;
  return api;
}

export const networkGuard = install();
