import nodemailer from 'nodemailer';

/** One plain-text email to a buyer. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** BCP-47 tag of the text (Content-Language). */
  language: string;
  /** A stable Message-ID, so a receiving server can drop a duplicate. */
  messageId: string;
  headers?: Record<string, string>;
}

/** Sends email; the only implementation is SMTP through nodemailer (tests use the simulator's SMTP sink). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** A mailer on SMTP_URL (smtp:// or smtps://, credentials in the URL, port default 587 / 465) with SMTP_FROM as sender. */
export function smtpMailer(url: string, from: string): Mailer {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    ...(parsed.username ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } } : {}),
    // Short timeouts: a hung SMTP server must not hold the job past its lease (nodemailer's socket default is 10 min).
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: { 'Content-Language': mail.language, ...mail.headers },
      });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
