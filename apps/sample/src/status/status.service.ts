import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { KeyVaultConfigWatcher, type KeyVaultChangeEvent } from 'nestjs-keyvault-config';
import type { Subscription } from 'rxjs';
import type { MasterSecretState } from '../identity/master-secret.js';
import { CONNECTION_STRING_CONFIG_KEY, MASTER_SECRETS } from '../sample.constants.js';
import type { DatabaseStatus, StatusView } from './status.interfaces.js';

/** How many change events the status page lists. */
const RECENT_CHANGES = 10;

/** Assembles the status page from the library's load report and refresh state. */
@Injectable()
export class StatusService implements OnModuleDestroy {
  private readonly changes: KeyVaultChangeEvent[] = [];
  private readonly subscription: Subscription;

  constructor(
    private readonly keyVault: KeyVaultConfigWatcher,
    private readonly config: ConfigService,
    @Inject(MASTER_SECRETS) private readonly masterSecrets: MasterSecretState,
  ) {
    // Change events carry names and versions only, so keeping a few for the page is safe.
    this.subscription = this.keyVault.changes$.subscribe((event) => {
      this.changes.unshift(event);
      this.changes.length = Math.min(this.changes.length, RECENT_CHANGES);
    });
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  view(): StatusView {
    const { report, state } = this.keyVault;
    return {
      vaults: report.vaults,
      credential: report.credential,
      masterSecrets: this.masterSecrets,
      loadedAt: report.loadedAt,
      elapsedMs: report.elapsedMs,
      entries: report.entries,
      timeline: report.timeline ?? [],
      refresh: {
        intervalMs: state.intervalMs,
        lastSuccessAt: state.lastSuccessAt,
        nextRefreshAt: state.nextRefreshAt,
        consecutiveFailures: state.consecutiveFailures,
        lastError: state.lastError && { code: state.lastError.code },
      },
      database: this.database(),
      recentChanges: [...this.changes],
    };
  }

  database(): DatabaseStatus {
    const entry = this.keyVault.report.entries.find(
      (candidate) => candidate.key === CONNECTION_STRING_CONFIG_KEY && candidate.status === 'loaded',
    );
    // Presence is checked on the live configuration (a refresh may have removed it); the value is
    // never copied anywhere.
    const present = typeof this.config.get<unknown>(CONNECTION_STRING_CONFIG_KEY) === 'string';
    return {
      connectionString: present ? 'loaded' : 'missing',
      secretName: entry?.secretName ?? 'Sample--Database--ConnectionString',
      version: present ? entry?.version : undefined,
    };
  }
}
