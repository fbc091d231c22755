import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the bot received. */
export interface BotRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there was none / it was not JSON. */
  json: unknown;
  text: string;
}

/** What the bot answers: a status, optional headers, a body (JSON-encoded unless a string), or a hang. */
export interface BotAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (until the client goes away or the bot closes). */
  hang?: boolean;
}

export type BotHandler = (request: BotRequest, index: number) => BotAnswer | Promise<BotAnswer>;

export interface LoopbackBot {
  readonly url: string;
  readonly requests: BotRequest[];
  close(): Promise<void>;
}

/**
 * A small real HTTP bot on 127.0.0.1 (random port) for http-agent tests: every request is
 * recorded, and `handler` decides the answer (by request and 0-based request index).
 *
 * @example
 * const bot = await startLoopbackBot((req) => ({ body: { reply: `echo ${JSON.stringify(req.json)}` } }));
 */
export async function startLoopbackBot(handler: BotHandler): Promise<LoopbackBot> {
  const requests: BotRequest[] = [];
  const pending = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const request: BotRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, json, text };
      const index = requests.push(request) - 1;
      pending.add(res);
      res.on('close', () => pending.delete(res));
      void Promise.resolve(handler(request, index)).then((answer) => respond(res, answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function respond(res: ServerResponse, answer: BotAnswer): void {
  if (answer.hang) return;
  const send = (): void => {
    if (res.destroyed) return;
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
    res.end(body);
  };
  if (answer.delayMs) {
    const timer = setTimeout(send, answer.delayMs);
    res.on('close', () => clearTimeout(timer));
  } else send();
}
