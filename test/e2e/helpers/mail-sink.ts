import fs from 'fs';
import path from 'path';
import type { AddressInfo } from 'net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * The e2e SMTP sink: a real SMTP server (smtp-server) started by global-setup.ts in jest's main
 * process. Test files run in workers, so each received message is written to `dir` as an .eml
 * file (recipients in the file name's JSON sidecar) and read back with `waitForMail`.
 */
export async function startMailSink(
  dir: string
): Promise<{ port: number; close(): Promise<void> }> {
  fs.mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', () => undefined); // connection dropped mid-message
      stream.on('end', () => {
        const base = path.join(dir, `${Date.now()}-${++count}`);
        const to = (session.envelope.rcptTo || []).map((r) => r.address.toLowerCase());
        fs.writeFileSync(`${base}.eml`, Buffer.concat(chunks));
        // The sidecar last: a reader that sees it also sees the whole message.
        fs.writeFileSync(`${base}.json`, JSON.stringify({ to }));
        callback();
      });
    },
  });
  // A sender that drops its connection mid-session must not crash the test process
  // (smtp-server re-emits connection errors on the server).
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits for a message to `to` in the sink's directory and returns it parsed. */
export async function waitForMail(
  dir: string,
  to: string,
  timeoutMs = 30_000
): Promise<ParsedMail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (!name.endsWith('.json')) continue;
      const meta = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { to: string[] };
      if (meta.to.includes(to.toLowerCase())) {
        return simpleParser(fs.readFileSync(path.join(dir, name.replace(/\.json$/, '.eml'))));
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} at the SMTP sink after ${timeoutMs} ms`);
}
