export * from './app-service.js';
export * from './identities.js';
export * from './identity-response.js';
export * from './identity.constants.js';
export * from './imds.js';
export * from './server.js';
export * from './tokens.js';
