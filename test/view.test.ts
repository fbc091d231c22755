import { request } from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabels } from '../src/io/labels.js';
import { verifyFile } from '../src/io/verify.js';
import { allowedHosts } from '../src/review/guard.js';
import { startViewServer, type ViewServer } from '../src/review/server.js';
import { type SyntheticResult, writeSyntheticRun } from './helpers/synthetic-run.js';
import { spawnCli } from './helpers/cli.js';

let dir: string;
let server: ViewServer;
let port: string;
let target: SyntheticResult;

/** A raw HTTP request (so Host and Origin can be forged, as a rebinding attacker would). */
function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port: Number(port), method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

let token = '';
const own = () => ({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json', 'x-convotest-token': token });
const labelBody = () =>
  JSON.stringify({ caseId: target.caseId, variant: target.variant, grader: 'helpfulness', transcriptHash: target.transcriptHash, verdict: 'disagree', pass: false, note: 'invented policy' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convotest-view-'));
  const { results } = await writeSyntheticRun(join(dir, 'run.jsonl'), { cases: 5 });
  target = results.find((r) => !r.error) ?? results[0]!;
  server = await startViewServer({ runPath: join(dir, 'run.jsonl'), reviewer: 'ana', now: () => new Date('2026-01-02T03:04:05Z') });
  port = new URL(server.url).port;
});
afterAll(() => server.close());

describe('view server', () => {
  it('listens on 127.0.0.1 on a random port and serves the page with its token and CSP', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await send('GET', '/', { host: `127.0.0.1:${port}` });
    expect(page.status).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain("connect-src 'self'");
    token = /"token":"([0-9a-f]{64})"/.exec(page.body)?.[1] ?? '';
    expect(token).toHaveLength(64);
    expect((await send('GET', '/', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding) even for reads', async () => {
    const r = await send('GET', '/', { host: `evil.example:${port}` });
    expect(r.status).toBe(403);
    expect(r.body).not.toContain(token);
  });

  it.each([
    ['no Origin', { origin: '' }],
    ['a foreign Origin', { origin: 'http://evil.example' }],
    ['no token', { 'x-convotest-token': '' }],
    ['a wrong token', { 'x-convotest-token': 'f'.repeat(64) }],
    ['a form content type', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['a foreign Host', { host: `evil.example:${port}`, origin: `http://evil.example:${port}` }],
  ])('refuses a label write with %s', async (_name, override) => {
    const headers: Record<string, string> = { ...own(), ...override };
    for (const k of Object.keys(headers)) if (headers[k] === '') delete headers[k];
    const r = await send('POST', '/api/labels', headers, labelBody());
    expect(r.status).toBe(403);
    expect((await readLabels(server.labelsPath)).labels).toHaveLength(0);
  });

  it('rejects malformed labels and grades that are not in the run', async () => {
    expect((await send('POST', '/api/labels', own(), '{"caseId":')).status).toBe(400);
    expect((await send('POST', '/api/labels', own(), JSON.stringify({ caseId: 'x', grader: 'g', verdict: 'maybe' }))).status).toBe(400);
    const missing = JSON.stringify({ caseId: 'nope', grader: 'helpfulness', transcriptHash: target.transcriptHash, verdict: 'agree' });
    expect((await send('POST', '/api/labels', own(), missing)).status).toBe(404);
    expect((await send('PUT', '/api/labels', own(), labelBody())).status).toBe(405);
  });

  it('appends a hash-chained label with reviewer and time, and shows it on the page', async () => {
    const r = await send('POST', '/api/labels', own(), labelBody());
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body)).toMatchObject({ type: 'label', caseId: target.caseId, verdict: 'disagree', pass: false, reviewer: 'ana', at: '2026-01-02T03:04:05.000Z', runId: 'synthetic-1' });
    expect((await send('POST', '/api/labels', own(), labelBody())).status).toBe(201);
    expect(await verifyFile(server.labelsPath, { kind: 'labels' })).toMatchObject({ ok: true, lines: 2 });
    const text = await readFile(server.labelsPath, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^\{"prev":"0{64}"/);
    const page = await send('GET', '/', { host: `127.0.0.1:${port}` });
    expect(page.body).toContain('invented policy');
    expect(page.body).toContain('(1 labelled)');
  });

  it('carries labels over to a later run with the same transcript (read-only)', async () => {
    await writeSyntheticRun(join(dir, 'rerun.jsonl'), { cases: 5, runId: 'rerun' });
    const later = await startViewServer({ runPath: join(dir, 'rerun.jsonl'), extraLabels: [server.labelsPath], reviewer: 'bo' });
    try {
      const res = await fetch(later.url);
      const body = await res.text();
      expect(body).toContain('invented policy');
      expect(body).toContain('(1 labelled)');
      expect((await readLabels(later.labelsPath)).labels).toHaveLength(0);
    } finally {
      await later.close();
    }
  });

  it('convotest view prints its loopback URL, serves the page and stops on SIGINT', async () => {
    const child = spawnCli(['view', join(dir, 'run.jsonl'), '--reviewer', 'cy']);
    const url = await new Promise<string>((done, fail) => {
      let text = '';
      child.stdout.on('data', (c) => {
        text += c;
        const m = /convotest view: (http:\/\/127\.0\.0\.1:\d+\/) \(reviewer cy;/.exec(text);
        if (m?.[1]) done(m[1]);
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}: ${text}`)));
    });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"reviewer":"cy"');
    const code = await new Promise<number | null>((done) => {
      child.on('exit', (c) => done(c));
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
  }, 120_000);

  it.each([
    ['127.0.0.1', [], ['127.0.0.1:80', 'localhost:80']],
    ['::1', [], ['[::1]:80', 'localhost:80']],
    ['0.0.0.0', ['10.0.0.5', 'Box', 'fe80::1'], ['0.0.0.0:80', 'localhost:80', '127.0.0.1:80', '[::1]:80', '10.0.0.5:80', 'box:80', '[fe80::1]:80']],
  ])('accepted Host values when listening on %s', (host, names, expected) => {
    expect([...allowedHosts(host, 80, names)].sort()).toEqual([...expected].sort());
  });
});
