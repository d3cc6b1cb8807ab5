/**
 * Precedence and merge, pure: from the slots of every vault (in option order) and of the references,
 * and the environment, the configuration object, the loaded keys and the report entries. No I/O and no
 * change to its inputs; a collision is a thrown KeyVaultConfigError.
 *
 * The rules: a later vault overrides an earlier one; two secrets of one vault on one key collide; under
 * precedence 'environment' a variable named like a key (`API_KEY`, or `A__B` / `A.B` for nested `A.B`)
 * wins over the vault, and a nested key keeps the environment's value at its path; references are the
 * environment's values, so they lose to a vault key under 'vault' and win under 'environment'; a value
 * and an object on one path collide.
 */
import { SkipReason } from './constants.js';
import type { KeyVaultReportEntry } from './interfaces.js';
import { buildConfig, checkPathCollisions, sameKeyCollision, type ConfigEntry } from './key-mapping.js';
import type { Slot } from './load-context.js';
import { loadedEntry, skippedEntry } from './report.js';
import { leafStrings } from './validation.js';

/** One key of the configuration that came from Key Vault, with its value (kept in memory only). */
export interface LoadedKey {
  key: string;
  secretName: string;
  /** Vault host. */
  vault: string;
  version?: string;
  /** The value under the key (string, or an object for JSON secrets). Never logged or reported. */
  value: unknown;
}

/** What the merge reads. */
export interface MergeInput {
  /** The slots of each vault, in the order of the vaults (later wins). */
  vaultLayers: readonly (readonly Slot[])[];
  /** The slots of the environment's references. */
  referenceSlots: readonly Slot[];
  /** Variables holding references: they are never an environment value that beats a vault key. */
  referenceVariables: ReadonlySet<string>;
  env: Readonly<Record<string, string | undefined>>;
  precedence: 'vault' | 'environment';
}

export interface MergeResult {
  config: Record<string, unknown>;
  /** One report entry per slot, vaults first then references, demoted slots as skipped. */
  entries: KeyVaultReportEntry[];
  /** The Key Vault keys of `config` (overridden secrets excluded). */
  keys: Map<string, LoadedKey>;
  /** Every string loaded, overridden or not (what validation must never echo). */
  secretValues: Set<string>;
}

/** Slots that lost to another value, with why (the slots themselves are left as they are). */
type Demotions = Map<Slot, string>;

/** Environment variable names a key is compared with: `API_KEY`; nested `Database__Connection_String` and `Database.Connection_String`. */
export function environmentNamesOf(path: readonly string[]): string[] {
  return path.length === 1 ? [path[0]!] : [path.join('__'), path.join('.')];
}

export function merge(input: MergeInput): MergeResult {
  const demoted: Demotions = new Map();
  const finalSlots = mergeVaultLayers(input.vaultLayers, demoted);
  const environmentEntries =
    input.precedence === 'environment' ? applyEnvironment(finalSlots, input, demoted) : [];
  applyReferences(finalSlots, input.referenceSlots, input.precedence, demoted);

  const finalEntries = [...[...finalSlots.values()].map((s) => s.entry!), ...environmentEntries];
  checkPathCollisions(finalEntries);
  const keys = new Map<string, LoadedKey>();
  for (const [key, slot] of finalSlots) {
    const { secretName, vault, version } = slot.subject;
    keys.set(key, { key, secretName, vault, version, value: slot.entry!.value });
  }
  const slots = [...input.vaultLayers.flat(), ...input.referenceSlots];
  return {
    config: buildConfig(finalEntries),
    entries: slots.map((slot) => reportEntryOf(slot, demoted.get(slot))),
    keys,
    secretValues: secretValuesOf(slots),
  };
}

/** Later vaults override earlier ones; two loaded slots of one vault on one key are a collision. */
function mergeVaultLayers(layers: MergeInput['vaultLayers'], demoted: Demotions): Map<string, Slot> {
  const finalSlots = new Map<string, Slot>();
  for (const layer of layers) {
    const inLayer = new Map<string, Slot>();
    for (const slot of layer) {
      if (!slot.entry) continue;
      const twin = inLayer.get(slot.entry.key);
      if (twin) throw sameKeyCollision(twin.entry!, slot.entry);
      inLayer.set(slot.entry.key, slot);
    }
    for (const [key, slot] of inLayer) {
      const earlier = finalSlots.get(key);
      if (earlier) demoted.set(earlier, `${SkipReason.OverriddenByLaterVault} (${slot.subject.vault})`);
      finalSlots.set(key, slot);
    }
  }
  return finalSlots;
}

/**
 * Environment precedence: a vault key present in the environment is dropped. A nested key matched
 * through its `__` name keeps the environment's value at its path, so config.get('A.B') still works.
 */
function applyEnvironment(
  finalSlots: Map<string, Slot>,
  input: MergeInput,
  demoted: Demotions,
): ConfigEntry[] {
  const { env, referenceVariables } = input;
  const environmentEntries: ConfigEntry[] = [];
  for (const [key, slot] of finalSlots) {
    const path = slot.entry!.path;
    const variable = environmentNamesOf(path).find(
      (name) => env[name] !== undefined && !referenceVariables.has(name),
    );
    if (variable === undefined) continue;
    demoted.set(slot, `${SkipReason.EnvironmentWins} (${variable})`);
    finalSlots.delete(key);
    if (path.length > 1) {
      environmentEntries.push({
        key,
        path: [...path],
        value: env[variable],
        secretName: variable,
        vault: '',
      });
    }
  }
  return environmentEntries;
}

/** References are the environment's values: they lose to a vault key under precedence 'vault'. */
function applyReferences(
  finalSlots: Map<string, Slot>,
  referenceSlots: readonly Slot[],
  precedence: MergeInput['precedence'],
  demoted: Demotions,
): void {
  for (const slot of referenceSlots) {
    if (!slot.entry) continue;
    const key = slot.entry.key;
    const vaultSlot = finalSlots.get(key);
    if (vaultSlot && precedence === 'vault') {
      demoted.set(slot, SkipReason.OverriddenByVault);
      continue;
    }
    if (vaultSlot) demoted.set(vaultSlot, `${SkipReason.EnvironmentWins} (${key})`);
    finalSlots.set(key, slot);
  }
}

function reportEntryOf(slot: Slot, demotion: string | undefined): KeyVaultReportEntry {
  if (demotion !== undefined) return skippedEntry(slot.subject, demotion);
  return slot.skipped || !slot.entry
    ? skippedEntry(slot.subject, slot.reason ?? 'skipped')
    : loadedEntry(slot.subject, slot.reason);
}

function secretValuesOf(slots: readonly Slot[]): Set<string> {
  const values = new Set<string>();
  for (const slot of slots) if (slot.entry) leafStrings(slot.entry.value, values);
  return values;
}
