import { markup, type SafeHtml } from '../common/html.util.js';
import type { MasterSecretState } from '../identity/master-secret.js';
import { MASTER_SECRET_ADVICE, masterSecretKindText } from '../identity/master-secret.messages.js';

/**
 * The status page's "Master secret" line: "none", or a warning naming each variable that holds one
 * (name and kind — the view has no value to show) and what to use instead.
 */
export function masterSecretSection(state: MasterSecretState): SafeHtml {
  if (!state.present) {
    return markup`<p id="master-secret" data-present="false"><span class="ok">No master secret</span> in this app's
  configuration: no client secret, certificate, password or connection string — the platform's identity vouched
  for the app.</p>`;
  }
  const names = state.variables.map(
    (variable, index) =>
      markup`${index > 0 ? ', ' : ''}<code>${variable.name}</code> (${masterSecretKindText(variable)})`,
  );
  const advice = MASTER_SECRET_ADVICE.map((line) => markup`<li>${line}</li>`);
  return markup`<div id="master-secret" data-present="true" class="warn">
  <p><strong>Master secret in this app's configuration:</strong> ${names}.</p>
  <p>Whoever reads it can act as this app from anywhere, until someone rotates it — the master-secret world this
  library exists to remove. Use the platform's identity instead, then delete the variable:</p>
  <ul>${advice}</ul>
</div>`;
}
