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

/** A mailer on SMTP_URL (smtp:// or smtps://, credentials in the URL) with SMTP_FROM as sender. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
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
