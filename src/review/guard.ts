import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Request checks of the local viewer. DNS rebinding: a page on evil.example whose name resolves
 * to 127.0.0.1 sends `Host: evil.example`, so only the server's own host names are accepted.
 * CSRF: a write must come from the page's own origin and carry the per-server token that is
 * embedded in the page (a foreign page can neither read it nor send the custom header without
 * a CORS preflight, which this server never grants).
 */
export function allowedHosts(host: string, port: number, interfaceNames: readonly string[] = []): Set<string> {
  const names = new Set([host]);
  if (host === '127.0.0.1' || host === 'localhost') names.add('localhost').add('127.0.0.1');
  if (host === '::1') names.add('::1').add('localhost');
  // Listening on every interface (only with --host): accept the machine's own addresses and name,
  // never an arbitrary name, so DNS rebinding still fails.
  if (host === '0.0.0.0' || host === '::') for (const n of ['localhost', '127.0.0.1', '::1', ...interfaceNames]) names.add(n);
  return new Set([...names].map((n) => `${n.includes(':') ? `[${n}]` : n}:${port}`.toLowerCase()));
}

/** null when the Host header names this server; else the reason to refuse. */
export function checkHost(req: IncomingMessage, hosts: ReadonlySet<string>): string | null {
  const host = (req.headers.host ?? '').toLowerCase();
  return hosts.has(host) ? null : `unexpected Host ${JSON.stringify(host)}`;
}

/** null when a write request comes from this server's page with its token; else the reason to refuse. */
export function checkWrite(req: IncomingMessage, hosts: ReadonlySet<string>, token: string): string | null {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || ![...hosts].some((h) => origin.toLowerCase() === `http://${h}`)) {
    return `unexpected Origin ${JSON.stringify(origin ?? null)}`;
  }
  const sent = req.headers['x-convotest-token'];
  if (typeof sent !== 'string' || sent.length !== token.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(token))) {
    return 'missing or wrong token';
  }
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return 'content-type must be application/json';
  return null;
}

/** Reads a request body up to `limit` bytes (rejects when larger). */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
