import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { log } from '@/lib/log';
import { esc, page } from './html';

/**
 * The simulator's SMTP sink: a local SMTP server that accepts every message (no TLS, any or no login) and keeps
 * the newest ones in memory, so buyer emails in development and tests never leave the machine. Listed at
 * GET /simulator/mail (HTML) and GET /simulator/mail/messages (JSON, control secret).
 */

export interface SinkMessage {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** Content-Language of the message, when it says. */
  language: string | null;
  messageId: string | null;
  headers: Record<string, string>;
}

/** Kept messages, newest last; older ones drop off. */
const MAX_MESSAGES = 1000;
/** Largest message accepted (bytes). */
const MAX_SIZE = 1024 * 1024;

export interface RunningSmtpSink {
  port: number;
  messages(): SinkMessage[];
  clear(): void;
  close(): Promise<void>;
}

export async function startSmtpSink(options: { port?: number; host?: string } = {}): Promise<RunningSmtpSink> {
  const kept: SinkMessage[] = [];
  let nextId = 1;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    // Local only: a login (SMTP_URL with credentials) is accepted over plain TCP and not checked.
    allowInsecureAuth: true,
    size: MAX_SIZE,
    banner: 'Daikou simulator SMTP sink',
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'sink' });
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const [key, value] of parsed.headers) headers[key] = typeof value === 'string' ? value : JSON.stringify(value);
          kept.push({
            id: nextId++,
            receivedAt: new Date().toISOString(),
            from: parsed.from?.text ?? session.envelope.mailFrom?.toString() ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            language: typeof parsed.headers.get('content-language') === 'string' ? (parsed.headers.get('content-language') as string) : null,
            messageId: parsed.messageId ?? null,
            headers,
          });
          if (kept.length > MAX_MESSAGES) kept.splice(0, kept.length - MAX_MESSAGES);
          callback();
        })
        .catch((error: unknown) => {
          log().warn({ err: String(error) }, 'simulator SMTP sink: unreadable message');
          callback(new Error('Unreadable message'));
        });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  return {
    port,
    messages: () => [...kept],
    clear: () => {
      kept.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** GET /simulator/mail: the received messages, newest first, readable with JavaScript off. */
export function mailPage(messages: SinkMessage[], smtpPort: number | undefined): string {
  const rows = [...messages].reverse();
  const body = `<h1>Mail received by the simulator</h1>
<p>${smtpPort ? `SMTP sink on <code>smtp://127.0.0.1:${smtpPort}</code>. ` : 'No SMTP sink is running. '}Nothing here left the machine. ${rows.length} message(s), newest first. As JSON (control secret): <code>GET /simulator/mail/messages</code>.</p>
${rows
  .map(
    (m) => `<article style="border:1px solid #cbd5e1;border-radius:8px;padding:12px;margin:12px 0">
<h2 style="font-size:1.05rem;margin:0 0 4px">${esc(m.subject || '(no subject)')}</h2>
<p style="margin:0;font-size:.9rem">To ${esc(m.to.join(', '))} · from ${esc(m.from)} · ${esc(m.receivedAt)}${m.language ? ` · ${esc(m.language)}` : ''}</p>
<pre style="white-space:pre-wrap;font-family:inherit;margin:8px 0 0"${m.language ? ` lang="${esc(m.language)}"` : ''}>${esc(m.text)}</pre>
</article>`,
  )
  .join('\n')}`;
  return page({ lang: 'en', title: 'Simulator mail', body });
}
