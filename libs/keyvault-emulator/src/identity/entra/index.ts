export * from './cluster.js';
export * from './directory.js';
export * from './entra-errors.js';
export * from './entra-server.js';
export * from './entra.constants.js';
export * from './token-endpoint.js';
export * from './client-certificate.js';
export * from './entra-emulation.js';
