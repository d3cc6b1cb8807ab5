/**
 * Messages of the Nest layer's own checks — `load` factories over vault keys, `keyVaultNamespace`
 * reads — and of options given where they cannot work. Plain strings (the core imports no Nest); they
 * name namespaces, keys, secrets and options, never a value.
 */

/** A `configModule.load` factory that replaces a vault key (see `loadCollisions`). */
export function loadFactoryCollision(p: {
  /** The `registerAs` namespace, or undefined for a plain factory. */
  namespace: string | undefined;
  /** The top-level key a plain factory returned (its whole subtree is replaced). */
  region: string;
  key: string;
  secretName: string;
  vault: string;
}): string {
  const factory =
    p.namespace === undefined
      ? `A \`configModule.load\` factory returns the top-level key '${p.region}', which @nestjs/config merges with Object.assign: it replaces the whole '${p.region}' subtree`
      : `The \`configModule.load\` namespace registerAs('${p.namespace}') replaces the whole '${p.namespace}' subtree (that is how @nestjs/config merges a namespace)`;
  return `Key collision: ${factory}, so Key Vault key '${p.key}' (secret '${p.secretName}' in ${p.vault}) would be lost or changed. Build the namespace from the vault values (\`keyVaultNamespace((vault) => ({ … vault.getOrThrow('${p.key}') }))\`) under another name, or say which wins: \`loadCollisions: 'vault'\` (the vault values are merged over the factory's) or \`loadCollisions: 'load'\` (the factory's result replaces them).`;
}

/** `keyVaultNamespace` ran with no Key Vault values loaded in this process. */
export function namespaceBeforeLoad(): string {
  return 'A keyVaultNamespace() factory ran before KeyVaultConfigModule loaded any values. Import KeyVaultConfigModule.forRoot() (or .forTesting()) in the root module, or give the namespace in its `configModule.load`.';
}

/** `getOrThrow` of a key the vault did not provide. */
export function namespaceKeyMissing(key: string): string {
  return `Key Vault key '${key}' is not loaded, but a keyVaultNamespace() factory requires it. Create the secret (its name maps to the key: \`Database--Password\` → \`Database.Password\`), or read it with \`vault.get('${key}')\` and a default.`;
}

/** `refreshInterval` (or another refresh option) on an entry point that loads once. */
export function refreshNotSupported(option: string, entryPoint: string): string {
  return `Invalid option \`${option}\`: ${entryPoint} loads once and never refreshes, so \`${option}\` would do nothing. For secret rotation without restart use \`KeyVaultConfigModule.forRoot({ ${option} })\` in Nest, or \`watchKeyVaultSecrets({ ${option} })\` without Nest.`;
}
