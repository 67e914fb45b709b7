/**
 * The wallet's authorization page and "wallet app" pages, served by the simulator itself:
 *   GET  /wallet/authorize/<consultId>          page dressed as the wallet: merchant, scopes, test account, Agree/Decline
 *   POST /wallet/authorize/<consultId>/agree    → 303 to authRedirectUrl?authCode=…&authState=… (+ AUTHCODE_CREATED)
 *   POST /wallet/authorize/<consultId>/decline  → 303 to authRedirectUrl?authState=… (no code)
 *   GET  /wallet/app/<WALLET>/<account>         the test user's authorizations, each with Revoke
 *   POST /wallet/app/<WALLET>/<account>/revoke  form field authorizationId → TOKEN_CANCELED where the wallet notifies
 * Plain HTML forms: everything works without JavaScript.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { agree, consultProblem, decline, revokeFromWallet } from './authorization-api';
import type { SimContext } from './context';
import { readBody } from '../http/read-node-body';
import { esc, page } from './html';
import { TEST_ACCOUNTS } from './scenarios';
import { getWallet, type SimWallet } from './wallets';
import { isoTime } from './wire';

interface Strings {
  authorize: string;
  wantsTo: string;
  account: string;
  agree: string;
  decline: string;
  revoke: string;
  yourAuthorizations: string;
  none: string;
}

const EN: Strings = {
  authorize: 'Authorize automatic payments',
  wantsTo: 'wants permission to:',
  account: 'Test account',
  agree: 'Agree',
  decline: 'Decline',
  revoke: 'Revoke',
  yourAuthorizations: 'Authorized merchants',
  none: 'No authorizations yet.',
};

/** UI words in the wallet's language (first subtag of its locale); English otherwise. */
const STRINGS: Record<string, Strings> = {
  en: EN,
  zh: { authorize: '授权自动扣款', wantsTo: '申请以下权限：', account: '测试账户', agree: '同意', decline: '拒绝', revoke: '解除授权', yourAuthorizations: '已授权的商户', none: '暂无授权。' },
  ko: { authorize: '자동결제 동의', wantsTo: '다음 권한을 요청합니다:', account: '테스트 계정', agree: '동의', decline: '거절', revoke: '해지', yourAuthorizations: '연결된 가맹점', none: '연결된 가맹점이 없습니다.' },
  ja: { authorize: '自動支払いの許可', wantsTo: '次の権限を求めています:', account: 'テストアカウント', agree: '同意する', decline: '拒否する', revoke: '解除', yourAuthorizations: '許可したストア', none: 'まだありません。' },
  th: { authorize: 'อนุญาตการตัดเงินอัตโนมัติ', wantsTo: 'ขอสิทธิ์ต่อไปนี้:', account: 'บัญชีทดสอบ', agree: 'ยอมรับ', decline: 'ปฏิเสธ', revoke: 'ยกเลิก', yourAuthorizations: 'ร้านค้าที่อนุญาต', none: 'ยังไม่มี' },
  id: { authorize: 'Izinkan pembayaran otomatis', wantsTo: 'meminta izin untuk:', account: 'Akun uji', agree: 'Setuju', decline: 'Tolak', revoke: 'Cabut', yourAuthorizations: 'Merchant yang diizinkan', none: 'Belum ada.' },
  vi: { authorize: 'Cho phép thanh toán tự động', wantsTo: 'yêu cầu quyền:', account: 'Tài khoản thử', agree: 'Đồng ý', decline: 'Từ chối', revoke: 'Thu hồi', yourAuthorizations: 'Cửa hàng đã liên kết', none: 'Chưa có.' },
  ms: { authorize: 'Benarkan pembayaran automatik', wantsTo: 'memohon kebenaran untuk:', account: 'Akaun ujian', agree: 'Setuju', decline: 'Tolak', revoke: 'Batal', yourAuthorizations: 'Peniaga yang dibenarkan', none: 'Tiada lagi.' },
};

function stringsFor(wallet: SimWallet): Strings {
  return STRINGS[wallet.locale.split('-')[0]?.toLowerCase() ?? 'en'] ?? EN;
}

const SCOPE_TEXT: Record<string, string> = {
  AGREEMENT_PAY: 'Debit your wallet without asking each time (Auto Debit)',
  BASE_USER_INFO: 'Know your wallet user ID',
  USER_INFO: 'Read your profile (name, avatar)',
  USER_LOGIN_ID: 'Know your login ID',
  HASH_LOGIN_ID: 'Know a hash of your login ID',
  SEND_OTP: 'Send you one-time passwords',
  TAOBAO_REBIND: 'Re-bind your Taobao account',
};

function walletHeader(wallet: SimWallet): string {
  const local = wallet.nameLocal !== wallet.nameEn ? ` · <span lang="${esc(wallet.locale)}">${esc(wallet.nameLocal)}</span>` : '';
  return `<header><h1>${esc(wallet.nameEn)}${local} <span style="font-weight:normal;font-size:.8em">(simulated)</span></h1></header>`;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}

function errorPage(res: ServerResponse, status: number, message: string): void {
  send(res, status, page({ lang: 'en', title: 'Wallet simulator', body: `<main><div class="card error" role="alert">${esc(message)}</div></main>` }));
}

async function formFields(req: IncomingMessage): Promise<URLSearchParams> {
  const raw = await readBody(req, 16 * 1024);
  return new URLSearchParams(raw ? raw.toString('utf8') : '');
}

function authorizePage(ctx: SimContext, consultId: string): { status: number; html: string } {
  const auth = ctx.store.state.authorizations[consultId];
  const problem = consultProblem(ctx, auth);
  const wallet = auth ? getWallet(auth.wallet) : undefined;
  if (problem || !auth || !wallet) {
    return { status: auth ? 410 : 404, html: page({ lang: 'en', title: 'Authorization', body: `<main><div class="card error" role="alert">${esc(problem ?? 'Unknown wallet.')}</div></main>` }) };
  }
  const t = stringsFor(wallet);
  const merchant = ctx.store.state.clients[auth.clientId]?.merchantName ?? auth.clientId;
  const scopes = auth.scopes.map((s) => `<li>${esc(SCOPE_TEXT[s] ?? s)} <code>${esc(s)}</code></li>`).join('');
  const options = TEST_ACCOUNTS.map((a) => `<option value="${esc(a.id)}">${esc(a.label)} — ${esc(a.description)}</option>`).join('');
  const body = `${walletHeader(wallet)}
<main>
<div class="card">
<h2>${esc(t.authorize)}</h2>
<p><strong>${esc(merchant)}</strong> ${esc(t.wantsTo)}</p>
<ul>${scopes}</ul>
<p class="muted">Terminal: ${esc(auth.terminalType)}${auth.osType ? ` / ${esc(auth.osType)}` : ''}</p>
<form method="post" action="/wallet/authorize/${esc(auth.id)}/agree">
<label for="account">${esc(t.account)}</label><br>
<select id="account" name="account">${options}</select>
<div class="actions">
<button type="submit" class="primary">${esc(t.agree)}</button>
<button type="submit" class="secondary" formaction="/wallet/authorize/${esc(auth.id)}/decline">${esc(t.decline)}</button>
</div>
</form>
</div>
</main>`;
  return { status: 200, html: page({ lang: wallet.locale, title: `${wallet.nameEn} — ${t.authorize}`, body, accent: wallet.brandColor }) };
}

function walletAppPage(ctx: SimContext, wallet: SimWallet, accountId: string): string {
  const t = stringsFor(wallet);
  const auths = Object.values(ctx.store.state.authorizations)
    .filter((a) => a.wallet === wallet.code && a.account === accountId && a.status !== 'CONSULTED' && a.status !== 'DECLINED')
    .sort((a, b) => b.consultedAt - a.consultedAt);
  const rows = auths
    .map((a) => {
      const merchant = ctx.store.state.clients[a.clientId]?.merchantName ?? a.clientId;
      const canRevoke = a.status === 'TOKEN_ACTIVE' || a.status === 'TOKEN_EXPIRED';
      const action = canRevoke
        ? `<form method="post" action="/wallet/app/${esc(wallet.code)}/${esc(accountId)}/revoke"><input type="hidden" name="authorizationId" value="${esc(a.id)}"><button type="submit" class="secondary" aria-label="${esc(t.revoke)} ${esc(merchant)}">${esc(t.revoke)}</button></form>`
        : '';
      return `<tr><td>${esc(merchant)}</td><td>${esc(a.status)}</td><td>${esc(isoTime(a.tokenIssuedAt ?? a.consultedAt))}</td><td>${action}</td></tr>`;
    })
    .join('');
  const note = wallet.notifiesRevocation
    ? 'Revoking here notifies the merchant (TOKEN_CANCELED).'
    : 'This wallet does not notify merchants of revocations made here; the next payment fails with INVALID_ACCESS_TOKEN.';
  const body = `${walletHeader(wallet)}
<main>
<div class="card">
<h2>${esc(t.yourAuthorizations)}</h2>
<p class="muted">${esc(t.account)}: <strong>${esc(accountId)}</strong>. ${esc(note)}</p>
${rows ? `<table><thead><tr><th scope="col">Merchant</th><th scope="col">Status</th><th scope="col">Since</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>${rows}</tbody></table>` : `<p>${esc(t.none)}</p>`}
</div>
<p><a href="/">Simulator home</a></p>
</main>`;
  return page({ lang: wallet.locale, title: `${wallet.nameEn} — ${t.yourAuthorizations}`, body, accent: wallet.brandColor });
}

/** Handles /wallet/… routes; returns false when the path is not a wallet page. */
export async function handleWallet(req: IncomingMessage, res: ServerResponse, url: URL, ctx: SimContext): Promise<boolean> {
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] !== 'wallet') return false;
  if (parts[1] === 'authorize' && parts[2]) {
    const consultId = parts[2];
    if (parts.length === 3 && req.method === 'GET') {
      const { status, html } = authorizePage(ctx, consultId);
      send(res, status, html);
      return true;
    }
    if (parts.length === 4 && req.method === 'POST' && (parts[3] === 'agree' || parts[3] === 'decline')) {
      const form = await formFields(req);
      const problem = consultProblem(ctx, ctx.store.state.authorizations[consultId]);
      if (problem) {
        errorPage(res, 410, problem);
        return true;
      }
      const decision = parts[3] === 'agree' ? agree(ctx, consultId, form.get('account') ?? undefined) : decline(ctx, consultId);
      redirect(res, decision.redirectUrl);
      return true;
    }
  }
  if (parts[1] === 'app' && parts[2] && parts[3]) {
    const wallet = getWallet(parts[2]);
    const accountId = parts[3];
    if (!wallet || !TEST_ACCOUNTS.some((a) => a.id === accountId)) {
      errorPage(res, 404, 'Unknown wallet or test account.');
      return true;
    }
    if (parts.length === 4 && req.method === 'GET') {
      send(res, 200, walletAppPage(ctx, wallet, accountId));
      return true;
    }
    if (parts.length === 5 && parts[4] === 'revoke' && req.method === 'POST') {
      const form = await formFields(req);
      const id = form.get('authorizationId') ?? '';
      const auth = ctx.store.state.authorizations[id];
      if (auth && auth.wallet === wallet.code && auth.account === accountId) revokeFromWallet(ctx, id);
      redirect(res, `/wallet/app/${encodeURIComponent(wallet.code)}/${encodeURIComponent(accountId)}`);
      return true;
    }
  }
  errorPage(res, 404, 'No such wallet page.');
  return true;
}
