/**
 * GET / — the simulator's home page: test accounts, scenarios, recent API calls and deliveries, links
 * to every wallet-app page. Read-only, no secret needed (it shows no keys or tokens).
 */
import type { CallLogEntry } from './ams-gateway';
import type { SimContext } from './context';
import { esc, page } from './html';
import { SCENARIOS, TEST_ACCOUNTS } from './scenarios';
import { allWallets } from './wallets';
import { isoTime } from './wire';

export function homePage(ctx: SimContext, calls: readonly CallLogEntry[]): string {
  const s = ctx.store.state;
  const accounts = TEST_ACCOUNTS.map((a) => `<tr><td><code>${esc(a.id)}</code></td><td>${esc(a.description)}</td></tr>`).join('');
  const scenarios = SCENARIOS.map(
    (x) => `<tr><td><code>${esc(x.name)}</code></td><td>${esc(x.appliesTo)}</td><td>${x.amountSuffix ? `<code>…${esc(x.amountSuffix)}</code>` : '—'}</td><td>${esc(x.effect)}</td></tr>`,
  ).join('');
  const recentCalls = calls
    .slice(-20)
    .reverse()
    .map((c) => `<tr><td>${esc(isoTime(c.at))}</td><td>${esc(c.clientId)}</td><td><code>${esc(c.path)}</code></td><td>${esc(c.resultStatus)} ${esc(c.resultCode)}</td><td>${esc(c.ms)} ms</td></tr>`)
    .join('');
  const deliveries = s.deliveries
    .slice(-20)
    .reverse()
    .map(
      (d) =>
        `<tr><td>${esc(isoTime(d.at))}</td><td>${esc(d.type)}</td><td>#${esc(d.attempt)}${d.forced ? ' (forced)' : ''}</td><td>${esc(d.httpStatus ?? d.error ?? '—')}</td><td>${d.acknowledged ? 'acknowledged' : 'not acknowledged'}</td><td>${esc(d.latencyMs)} ms</td></tr>`,
    )
    .join('');
  const walletLinks = allWallets()
    .map(
      (w) =>
        `<li>${esc(w.nameEn)} (<code>${esc(w.code)}</code>): ${TEST_ACCOUNTS.map((a) => `<a href="/wallet/app/${esc(w.code)}/${esc(a.id)}">${esc(a.id)}</a>`).join(' · ')}</li>`,
    )
    .join('');
  const body = `<header><h1>Daikou — local Antom simulator</h1></header>
<main>
<div class="card"><p>Simulated time: <strong>${esc(isoTime(ctx.clock.now()))}</strong>. Clients: ${esc(Object.keys(s.clients).join(', ') || 'none')}.
Public key: <a href="/simulator/public-key">/simulator/public-key</a>. Scenario table as JSON: <a href="/simulator/scenarios">/simulator/scenarios</a>.</p></div>
<div class="card"><h2>Test accounts</h2><table><thead><tr><th scope="col">Account</th><th scope="col">Behaviour</th></tr></thead><tbody>${accounts}</tbody></table></div>
<div class="card"><h2>Scenarios</h2><p class="muted">Trigger by amount suffix (minor units) or the <code>X-Simulator-Scenario</code> header.</p>
<table><thead><tr><th scope="col">Name</th><th scope="col">Endpoint</th><th scope="col">Suffix</th><th scope="col">Effect</th></tr></thead><tbody>${scenarios}</tbody></table></div>
<div class="card"><h2>Recent API calls</h2>${recentCalls ? `<table><thead><tr><th scope="col">Time</th><th scope="col">Client</th><th scope="col">Path</th><th scope="col">Result</th><th scope="col">Took</th></tr></thead><tbody>${recentCalls}</tbody></table>` : '<p>None yet.</p>'}</div>
<div class="card"><h2>Recent deliveries</h2>${deliveries ? `<table><thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Attempt</th><th scope="col">HTTP</th><th scope="col">Outcome</th><th scope="col">Latency</th></tr></thead><tbody>${deliveries}</tbody></table>` : '<p>None yet.</p>'}</div>
<div class="card"><h2>Wallet apps</h2><ul>${walletLinks}</ul></div>
</main>`;
  return page({ lang: 'en', title: 'Antom simulator', body });
}
