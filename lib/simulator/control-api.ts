/**
 * The control API under /simulator/, for tests and demos. Every route except the public key and the
 * scenario table requires the simulator secret (`Authorization: Bearer <secret>` or
 * `X-Simulator-Secret: <secret>`), compared in constant time.
 *
 * Routes (JSON in, JSON out; bigint amounts as strings):
 *   GET  /simulator/public-key                 simulator public key PEM (no secret)
 *   GET  /simulator/scenarios                  scenario and test-account table (no secret)
 *   GET  /simulator/clients                    registered clients
 *   POST /simulator/clients                    { clientId, publicKeyPem, keyVersion?, notifyUrls?, merchantName? }
 *   GET  /simulator/authorizations             all authorizations (tokens included: test data)
 *   POST /simulator/authorizations/approve     { consultId | url | authState, account? } → { authCode, authState, redirectUrl }
 *   POST /simulator/authorizations/decline     { consultId | url | authState } → { redirectUrl }
 *   POST /simulator/authorizations/revoke      { authorizationId | accessToken, reason? } (wallet-side)
 *   GET  /simulator/clock                      { now, iso, offsetMs }
 *   POST /simulator/clock/advance              { ms } or { seconds }
 *   GET  /simulator/payments | /simulator/refunds | /simulator/declarations
 *   GET  /simulator/notifications              every notification with its status
 *   POST /simulator/notifications/resend       { id } → the attempt made
 *   GET  /simulator/deliveries                 delivery log (?notificationId=, ?type=)
 *   GET  /simulator/ledger                     { entries, totals } (?clientId=)
 *   POST /simulator/reports/generate           { date: YYYY-MM-DD (GMT+8) } → files written
 *   GET  /simulator/reports                    files on the SFTP tree (v1/settlements/<merchantId>/<day>/<name>)
 *   GET  /simulator/reports/files/<path|name>  download one file
 */
import { mailPage, type RunningSmtpSink } from './smtp-sink';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadPublicKey } from '../alipay/keys';
import { agree, decline, revokeFromWallet } from './authorization-api';
import type { SimContext } from './context';
import { readBody } from '../http/read-node-body';
import { SCENARIOS, TEST_ACCOUNTS } from './scenarios';
import type { ClientRecord } from './store';
import { isObject } from './validate';
import { isoTime } from './wire';
import type { ReportWriter } from './reports';

export interface ControlDeps {
  ctx: SimContext;
  secret: string;
  publicKeyPem: string;
  reports: ReportWriter;
  /** Runs one scheduler pass (after a clock jump, so due work happens before the answer). */
  tick: () => void;
  /** The SMTP sink, when one runs (GET /simulator/mail). */
  smtp?: RunningSmtpSink;
}

export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(jsonText(value));
}

function authorized(req: IncomingMessage, secret: string): boolean {
  const bearer = /^Bearer (.+)$/i.exec(req.headers['authorization'] ?? '')?.[1];
  const given = bearer ?? (req.headers['x-simulator-secret'] as string | undefined) ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return given !== '' && timingSafeEqual(a, b);
}

export interface ClientInput {
  clientId: string;
  publicKeyPem: string;
  keyVersion?: string | number;
  notifyUrls?: ClientRecord['notifyUrls'];
  merchantName?: string;
  reports?: ClientRecord['reports'];
}

/**
 * Registers (or updates) a client: adds the key under its version, keeps earlier versions, replaces
 * notify URLs given. Throws on an unreadable public key so a bad registration is refused, not stored.
 */
function checkReportSettings(input: ClientRecord['reports']): ClientRecord['reports'] {
  if (input === undefined) return undefined;
  if (input.merchantId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(input.merchantId)) throw new Error('reports.merchantId must be 1–64 letters, digits, _ -');
  for (const [from, to] of Object.entries(input.settleIn ?? {})) {
    if (!/^([A-Z]{3}|\*)$/.test(from) || !/^[A-Z]{3}$/.test(to)) throw new Error('reports.settleIn must map a currency (or "*") to a currency, e.g. { "KRW": "USD" }');
  }
  for (const [pair, price] of Object.entries(input.quotes ?? {})) {
    if (!/^[A-Z]{3}\/[A-Z]{3}$/.test(pair) || !/^\d{1,12}(\.\d{1,12})?$/.test(price)) throw new Error('reports.quotes must map "KRW/USD" to a decimal string');
  }
  if (input.settlementFee !== undefined && !/^\d{1,12}(\.\d{1,4})?$/.test(input.settlementFee)) throw new Error('reports.settlementFee must be a major-unit amount such as "1.50"');
  if (input.variant !== undefined && input.variant !== 'current' && input.variant !== 'ams') throw new Error("reports.variant must be 'current' or 'ams'");
  return input;
}

export function registerClient(ctx: SimContext, input: ClientInput): ClientRecord {
  if (typeof input.clientId !== 'string' || !/^[A-Za-z0-9_\-.]{1,64}$/.test(input.clientId)) {
    throw new Error('clientId must be 1–64 characters of letters, digits, _ - .');
  }
  loadPublicKey(input.publicKeyPem);
  const keyVersion = String(input.keyVersion ?? '1');
  if (!/^\d{1,9}$/.test(keyVersion)) throw new Error('keyVersion must be a number');
  const existing = ctx.store.state.clients[input.clientId];
  const record: ClientRecord = {
    clientId: input.clientId,
    keys: { ...(existing?.keys ?? {}), [keyVersion]: input.publicKeyPem },
    notifyUrls: { ...(existing?.notifyUrls ?? {}), ...(input.notifyUrls ?? {}) },
    merchantName: input.merchantName ?? existing?.merchantName ?? input.clientId,
    registeredAt: existing?.registeredAt ?? ctx.clock.now(),
    reports: checkReportSettings(input.reports) ?? existing?.reports,
  };
  for (const [k, v] of Object.entries(record.notifyUrls)) {
    if (v !== undefined && !/^https?:\/\//.test(v)) throw new Error(`notifyUrls.${k} must be an http(s) URL`);
  }
  ctx.store.state.clients[input.clientId] = record;
  ctx.store.markDirty();
  return record;
}

/** Finds the consult an approve/decline call means: by id, by wallet URL, or by authState. */
function findConsultId(ctx: SimContext, body: Record<string, unknown>): string | undefined {
  if (typeof body['consultId'] === 'string') return body['consultId'];
  if (typeof body['url'] === 'string') {
    const m = /\/wallet\/authorize\/([0-9a-f-]{36})/.exec(body['url']) ?? /consultId=([0-9a-f-]{36})/.exec(body['url']);
    return m?.[1];
  }
  if (typeof body['authState'] === 'string') {
    const matches = Object.values(ctx.store.state.authorizations).filter((a) => a.authState === body['authState']);
    return matches.sort((a, b) => b.consultedAt - a.consultedAt)[0]?.id;
  }
  return undefined;
}

export async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, deps: ControlDeps): Promise<void> {
  const { ctx } = deps;
  const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
  if (route === 'GET /simulator/public-key' || route === 'GET /simulator/public-key.pem') {
    res.writeHead(200, { 'content-type': 'application/x-pem-file; charset=utf-8' });
    res.end(deps.publicKeyPem);
    return;
  }
  if (route === 'GET /simulator/mail') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(mailPage(deps.smtp?.messages() ?? [], deps.smtp?.port));
    return;
  }
  if (route === 'GET /simulator/scenarios') return sendJson(res, 200, { scenarios: SCENARIOS, testAccounts: TEST_ACCOUNTS });
  if (!authorized(req, deps.secret)) return sendJson(res, 401, { error: 'The simulator secret is missing or wrong (Authorization: Bearer <secret>).' });

  let body: Record<string, unknown> = {};
  if (req.method === 'POST') {
    const raw = await readBody(req, 256 * 1024);
    if (!raw) return sendJson(res, 413, { error: 'Body too large.' });
    if (raw.length > 0) {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (!isObject(parsed)) return sendJson(res, 400, { error: 'The body must be a JSON object.' });
        body = parsed;
      } catch {
        return sendJson(res, 400, { error: 'The body is not valid JSON.' });
      }
    }
  }
  const s = ctx.store.state;
  try {
    switch (route) {
      case 'GET /simulator/clients':
        return sendJson(res, 200, { clients: Object.values(s.clients) });
      case 'POST /simulator/clients':
        return sendJson(res, 200, { client: registerClient(ctx, body as unknown as ClientInput) });
      case 'GET /simulator/authorizations':
        return sendJson(res, 200, { authorizations: Object.values(s.authorizations) });
      case 'POST /simulator/authorizations/approve': {
        const id = findConsultId(ctx, body);
        if (!id) return sendJson(res, 404, { error: 'No such consult (give consultId, url or authState).' });
        const account = typeof body['account'] === 'string' ? body['account'] : undefined;
        if (account !== undefined && !TEST_ACCOUNTS.some((a) => a.id === account)) {
          return sendJson(res, 400, { error: `Unknown test account; one of ${TEST_ACCOUNTS.map((a) => a.id).join(', ')}.` });
        }
        return sendJson(res, 200, agree(ctx, id, account));
      }
      case 'POST /simulator/authorizations/decline': {
        const id = findConsultId(ctx, body);
        if (!id) return sendJson(res, 404, { error: 'No such consult (give consultId, url or authState).' });
        return sendJson(res, 200, decline(ctx, id));
      }
      case 'POST /simulator/authorizations/revoke': {
        const token = typeof body['accessToken'] === 'string' ? body['accessToken'] : undefined;
        const id = typeof body['authorizationId'] === 'string' ? body['authorizationId'] : token ? ctx.store.authorizationByAccessToken(token)?.id : undefined;
        const reason = typeof body['reason'] === 'string' ? body['reason'] : undefined;
        if (!id || !revokeFromWallet(ctx, id, reason)) return sendJson(res, 409, { error: 'No active authorization to revoke.' });
        return sendJson(res, 200, { revoked: true, authorization: s.authorizations[id] });
      }
      case 'POST /simulator/balances/top-up': {
        // A test account with a balance (low-balance) gets money, as a buyer topping up the wallet would.
        const wallet = typeof body['wallet'] === 'string' ? body['wallet'] : '';
        const account = typeof body['account'] === 'string' ? body['account'] : '';
        const amount = typeof body['amountMinor'] === 'string' && /^[1-9]\d{0,15}$/.test(body['amountMinor']) ? BigInt(body['amountMinor']) : null;
        const holder = TEST_ACCOUNTS.find((a) => a.id === account);
        if (!wallet || !holder || holder.balanceMinor === undefined || amount === null) {
          return sendJson(res, 400, { error: 'Give { wallet, account, amountMinor } for a test account that has a balance (amountMinor a positive integer string).' });
        }
        ctx.store.balanceOf(wallet, account, holder.balanceMinor);
        ctx.store.moveBalance(wallet, account, amount);
        ctx.store.markDirty();
        return sendJson(res, 200, { wallet, account, balanceMinor: ctx.store.balanceOf(wallet, account, holder.balanceMinor).toString() });
      }
      case 'GET /simulator/mail/messages':
        return sendJson(res, 200, { smtpPort: deps.smtp?.port ?? null, messages: deps.smtp?.messages() ?? [] });
      case 'POST /simulator/mail/clear':
        deps.smtp?.clear();
        return sendJson(res, 200, { cleared: true });
      case 'GET /simulator/clock':
        return sendJson(res, 200, { now: ctx.clock.now(), iso: isoTime(ctx.clock.now()), offsetMs: ctx.clock.offset });
      case 'POST /simulator/clock/advance': {
        const ms = typeof body['ms'] === 'number' ? body['ms'] : typeof body['seconds'] === 'number' ? body['seconds'] * 1000 : Number.NaN;
        if (!Number.isFinite(ms) || ms < 0) return sendJson(res, 400, { error: 'Give { ms } or { seconds }, not negative.' });
        ctx.clock.advance(ms);
        s.clockOffsetMs = ctx.clock.offset;
        ctx.store.markDirty();
        deps.tick();
        return sendJson(res, 200, { now: ctx.clock.now(), iso: isoTime(ctx.clock.now()), offsetMs: ctx.clock.offset });
      }
      case 'GET /simulator/payments':
        return sendJson(res, 200, { payments: Object.values(s.payments) });
      case 'GET /simulator/refunds':
        return sendJson(res, 200, { refunds: Object.values(s.refunds) });
      case 'GET /simulator/declarations':
        return sendJson(res, 200, { declarations: Object.values(s.declarations) });
      case 'GET /simulator/notifications':
        return sendJson(res, 200, { notifications: Object.values(s.notifications) });
      case 'POST /simulator/notifications/resend': {
        const id = typeof body['id'] === 'string' ? body['id'] : '';
        const attempt = ctx.notifier.forceResend(id);
        if (!attempt) return sendJson(res, 404, { error: 'No such notification.' });
        return sendJson(res, 200, { attempt: await attempt });
      }
      case 'GET /simulator/deliveries': {
        const nid = url.searchParams.get('notificationId');
        const type = url.searchParams.get('type');
        return sendJson(res, 200, {
          deliveries: s.deliveries.filter((d) => (!nid || d.notificationId === nid) && (!type || d.type === type)),
        });
      }
      case 'GET /simulator/ledger': {
        const clientId = url.searchParams.get('clientId');
        const entries = s.ledger.filter((e) => !clientId || e.clientId === clientId);
        const totals: Record<string, { debitedMinor: bigint; refundedMinor: bigint; reversedMinor: bigint; refundReturnedMinor: bigint; netMinor: bigint }> = {};
        for (const e of entries) {
          const t = (totals[e.currency] ??= { debitedMinor: 0n, refundedMinor: 0n, reversedMinor: 0n, refundReturnedMinor: 0n, netMinor: 0n });
          if (e.kind === 'DEBIT') t.debitedMinor += e.amountMinor;
          else if (e.kind === 'REFUND') t.refundedMinor += e.amountMinor;
          else if (e.kind === 'REFUND_REVERSAL') t.refundReturnedMinor += e.amountMinor;
          else t.reversedMinor += e.amountMinor;
          t.netMinor = t.debitedMinor - t.refundedMinor - t.reversedMinor + t.refundReturnedMinor;
        }
        return sendJson(res, 200, { entries, totals });
      }
      case 'POST /simulator/reports/generate': {
        const date = typeof body['date'] === 'string' ? body['date'] : '';
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return sendJson(res, 400, { error: 'Give { date: "YYYY-MM-DD" } (GMT+8 day).' });
        return sendJson(res, 200, { files: deps.reports.generate(date) });
      }
      case 'GET /simulator/reports':
        return sendJson(res, 200, { files: deps.reports.list() });
      default:
        break;
    }
    const fileMatch = /^GET \/simulator\/reports\/files\/([A-Za-z0-9_./-]+)$/.exec(route);
    if (fileMatch?.[1]) {
      const text = deps.reports.read(fileMatch[1]);
      if (text === undefined) return sendJson(res, 404, { error: 'No such report file.' });
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${fileMatch[1].split('/').pop()}"` });
      res.end(text);
      return;
    }
    return sendJson(res, 404, { error: `No control route ${route}.` });
  } catch (e) {
    return sendJson(res, 400, { error: e instanceof Error ? e.message : 'Request failed.' });
  }
}
