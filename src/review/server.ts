import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { labelKey } from '../core/agreement.js';
import { labelsPathFor, openLabels, readLabels } from '../io/labels.js';
import { readRunAll } from '../io/run-reader.js';
import { analyseForReport, type HtmlReportInput, renderHtmlReport, storedSummary } from '../report/html.js';
import { type Label, LabelInputSchema } from '../schema/label.js';
import { allowedHosts, checkHost, checkWrite, readBody } from './guard.js';

export interface ViewServerOptions {
  runPath: string;
  baselinePath?: string;
  /** Labels file (default `<run>.labels.jsonl`). */
  labelsPath?: string;
  /** Further labels files read (never written), e.g. an earlier run's: labels carry over by transcript hash. */
  extraLabels?: string[];
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** 0 (default) = a random free port. */
  port?: number;
  reviewer: string;
  now?: () => Date;
}

export interface ViewServer {
  readonly url: string;
  readonly labelsPath: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Serves the HTML report of a run on 127.0.0.1 with a label API: `POST /api/labels` appends a
 * reviewer's verdict to the hash-chained `<run>.labels.jsonl` (the only file it ever writes).
 * Requests with a foreign Host or Origin, or without the page's token, are refused (403).
 *
 * @example
 * const server = await startViewServer({ runPath: 'runs/r1.jsonl', reviewer: 'ana' });
 * console.log(server.url); // http://127.0.0.1:53011/
 */
export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const run = await readRunAll(options.runPath);
  const baseline = options.baselinePath ? await readRunAll(options.baselinePath) : undefined;
  const labelsPath = options.labelsPath ?? labelsPathFor(options.runPath);
  const summary = storedSummary(run.summaryLine);
  const baselineSummary = storedSummary(baseline?.summaryLine);
  const input: HtmlReportInput = {
    header: run.header,
    results: run.results,
    ...(summary ? { summary } : {}),
    ...(baseline ? { baseline: { header: baseline.header, results: baseline.results, ...(baselineSummary ? { summary: baselineSummary } : {}) } } : {}),
  };
  // Summary intervals and the gate are computed once; each page load only re-reads the labels.
  const analysis = analyseForReport(input);
  const known = new Set(run.results.flatMap((r) => r.grades.map((g) => labelKey(r.caseId, g.grader, r.transcriptHash))));
  // Labels are signed with the run's own key (config `signingKeyEnv`), when it is set.
  const keyEnv = run.header.config['signingKeyEnv'];
  const signingKey = typeof keyEnv === 'string' ? process.env[keyEnv] || undefined : undefined;
  const appender = await openLabels(labelsPath, {
    reviewer: options.reviewer,
    runId: run.header.runId,
    now: options.now ?? (() => new Date()),
    ...(signingKey ? { signingKey } : {}),
  });
  const token = randomBytes(32).toString('hex');
  const host = options.host ?? '127.0.0.1';
  let hosts = new Set<string>();

  const send = (res: ServerResponse, status: number, body: string, type: string) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = checkHost(req, hosts);
    if (refused) return json(res, 403, { error: refused });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      const labels: Label[] = [];
      for (const file of [...(options.extraLabels ?? []), labelsPath]) labels.push(...(await readLabels(file)).labels);
      const html = renderHtmlReport({ ...input, analysis, labels, server: { token, reviewer: options.reviewer } });
      return send(res, 200, html, 'text/html; charset=utf-8');
    }
    if (path === '/api/labels') {
      if (req.method !== 'POST') return json(res, 405, { error: 'use POST' });
      const bad = checkWrite(req, hosts, token);
      if (bad) return json(res, 403, { error: bad });
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req, 16_384));
      } catch (error) {
        return json(res, 400, { error: `bad body: ${(error as Error).message}` });
      }
      const parsed = LabelInputSchema.safeParse(body);
      if (!parsed.success) return json(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      if (!known.has(labelKey(parsed.data.caseId, parsed.data.grader, parsed.data.transcriptHash))) {
        return json(res, 404, { error: 'no such grade in this run' });
      }
      return json(res, 201, await appender.append(parsed.data));
    }
    return json(res, 404, { error: 'not found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: (error as Error).message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const interfaceNames = [hostname(), ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))];
  hosts = allowedHosts(host, port, interfaceNames);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    labelsPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
