import type { AddressInfo } from 'net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { useStrapi } from './strapi';

export interface ReceivedMail {
  to: string[];
  mail: ParsedMail;
}

/**
 * A real SMTP server in the test process (smtp-server), every message parsed with mailparser.
 * `failRecipient` makes the next RCPT TO for an address fail with a given reply code.
 */
export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  failRecipient(address: string, code: number, times?: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /** Waits for messages still being parsed, then forgets everything received. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const failures = new Map<string, number[]>();
  const parsing = new Set<Promise<void>>();
  const server = new SMTPServer({
    authOptional: true,
    // Close without waiting for idle pooled connections (the default waits 30 s per test file).
    closeTimeout: 100,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const queue = failures.get(address.address.toLowerCase());
      const code = queue?.shift();
      if (code !== undefined) {
        const error = Object.assign(new Error(`${code === 421 ? 'try again later' : 'mailbox unavailable'}`), { responseCode: code });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', () => undefined); // the connection dropped mid-message: nothing received
      stream.on('end', () => {
        const to = (session.envelope.rcptTo || []).map((r) => r.address.toLowerCase());
        const job = simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push({ to, mail });
        });
        parsing.add(job);
        job.finally(() => parsing.delete(job));
        callback();
      });
    },
  });
  // A sender killed mid-session (the cluster test SIGKILLs one) resets its connection: smtp-server
  // reports that as an 'error' event, which without a listener would throw in the test process.
  // The message it was sending is simply not received, which is what the tests count.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    failRecipient(address, code, times = 1) {
      const key = address.toLowerCase();
      failures.set(key, [...(failures.get(key) ?? []), ...new Array<number>(times).fill(code)]);
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count || parsing.size > 0) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async clear() {
      await new Promise((r) => setTimeout(r, 50));
      await Promise.all([...parsing]);
      received.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A Strapi for this test file (`useStrapi`) whose campaign e-mail goes to a real SMTP sink started
 * for the file, before Strapi boots (the sink object is filled in then; use it inside tests).
 */
export function useStrapiWithSmtpSink(
  label: string,
  env: Record<string, string> = {}
): { app: ReturnType<typeof useStrapi>; sink: SmtpSink } {
  const sink = {} as SmtpSink;
  const strapiEnv: Record<string, string> = { ...env };
  beforeAll(async () => {
    Object.assign(sink, await startSmtpSink());
    strapiEnv.SEGMENTS_SMTP_PORT = String(sink.port);
  });
  afterAll(async () => {
    await sink.close?.();
  });
  return { app: useStrapi(label, strapiEnv), sink };
}
