/**
 * Every message the library writes — errors, warnings, log lines — and the `az` commands they offer,
 * as named functions (like terminus's messages.constant.ts). Control flow decides which message
 * applies; these files only word it. A message takes names, hosts, codes and counts, never a value.
 */
export * from './az-commands.js';
export * from './content.messages.js';
export * from './credential.messages.js';
export * from './load.messages.js';
export * from './module.messages.js';
export * from './mount.messages.js';
export * from './options.messages.js';
export * from './refresh.messages.js';
export * from './secret.messages.js';
export * from './vault-errors.messages.js';
export * from './entra-fix.messages.js';
