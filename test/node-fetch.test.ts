import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFetch, rejectMalformedJson } from '../src/models/node-fetch.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      if (req.url === '/echo') {
        res.setHeader('x-seen-auth', req.headers.authorization ?? '');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, body, length: req.headers['content-length'], type: req.headers['content-type'] }));
      } else if (req.url === '/empty') {
        res.statusCode = 204;
        res.end();
      } else if (req.url === '/drop') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => req.socket.destroy(), 10);
      } else if (req.url === '/hang') {
        // never answers
      } else {
        res.statusCode = 429;
        res.setHeader('retry-after', '3');
        res.end('slow down');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createNodeFetch', () => {
  const fetch = createNodeFetch();

  it('sends method, headers and a string body, and reads a JSON response', async () => {
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: 'héllo' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-seen-auth')).toBe('Bearer t');
    expect(await res.json()).toEqual({ method: 'POST', body: 'héllo', length: '6' });
  });

  it('keeps status and headers of an error response (for the SDKs retry-after handling)', async () => {
    const res = await fetch(`${base}/limited`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.text()).toBe('slow down');
  });

  it('gives a 204 a null body', async () => {
    const res = await fetch(`${base}/empty`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('rejects a connection dropped mid-body with a TypeError, as fetch does', async () => {
    await expect(fetch(`${base}/drop`)).rejects.toThrow(TypeError);
  });

  it('rejects with the signal reason when aborted, promptly', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const error = await fetch(`${base}/hang`, { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('the buffered response', () => {
  const fetch = createNodeFetch();

  it('reads headers case-insensitively and iterates them sorted, as Headers does', async () => {
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: [['Authorization', 'Bearer x']], body: '{}' });
    expect(res.headers.get('X-Seen-Auth')).toBe('Bearer x');
    const names: string[] = [];
    res.headers.forEach((_value, name) => names.push(name));
    expect(names).toEqual([...names].sort());
    expect(names).toContain('content-type');
    expect(res.url).toBe(`${base}/echo`);
  });

  it('gives its body once, like fetch, and a stream when asked for one', async () => {
    const res = await fetch(`${base}/echo`, { method: 'POST', body: 'x' });
    expect(res.bodyUsed).toBe(false);
    const reader = res.clone().body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"method":"POST"');
    await res.text();
    expect(res.bodyUsed).toBe(true);
    await expect(res.json()).rejects.toThrow(TypeError);
  });

  it('hands the JSON that rejectMalformedJson checked to json(), parsed once', async () => {
    const checked = rejectMalformedJson(fetch);
    const res = await checked(`${base}/echo`, { method: 'POST', body: 'y' });
    const parse = JSON.parse;
    let parses = 0;
    JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
      parses++;
      return parse(...args);
    }) as typeof JSON.parse;
    try {
      expect(await res.json()).toMatchObject({ method: 'POST', body: 'y' });
    } finally {
      JSON.parse = parse;
    }
    expect(parses).toBe(0);
  });
});

describe('createNodeFetch with a FormData body', () => {
  it('sends the multipart content type with its boundary (a file upload, e.g. a batch input file)', async () => {
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob(['{"a":1}\n']), 'input.jsonl');
    const response = await createNodeFetch()(`${base}/echo`, { method: 'POST', body: form });
    const seen = (await response.json()) as { body: string; type: string };
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(seen.type)?.[1];
    expect(boundary).toBeDefined();
    expect(seen.body).toContain(`--${boundary}`);
    expect(seen.body).toContain('filename="input.jsonl"');
  });
});
