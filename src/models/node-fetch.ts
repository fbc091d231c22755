import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { BufferedResponse, ResponseHeaders } from './buffered-response.js';

/**
 * A `fetch` for provider SDKs over `node:http` with keep-alive agents. Node's built-in fetch
 * (undici with WHATWG streams) costs about 3–4× the CPU of a plain `node:http` request per call
 * (bench/overhead.ts), which dominates the harness's own cost at high concurrency. This covers
 * what the SDKs use: method, headers, a string or byte body, an AbortSignal, and a buffered
 * response (a {@link BufferedResponse}: no WHATWG stream unless its `body` is asked for). A
 * dropped connection rejects with a TypeError (as fetch does), so the SDKs retry it.
 */
export function createNodeFetch(options: { maxSockets?: number } = {}): typeof fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 }),
  };
  // The SDKs call the same few URLs over and over: each is parsed once (a bounded cache).
  const targets = new Map<string, Target | undefined>();
  const targetOf = (input: string): Target | undefined => {
    let target = targets.get(input);
    if (target === undefined && !targets.has(input)) {
      const url = new URL(input);
      const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
      target = transport && { transport, agent: agents[url.protocol as 'http:' | 'https:'], options: urlToHttpOptions(url), href: url.href };
      if (targets.size >= 256) targets.clear();
      targets.set(input, target);
    }
    return target;
  };
  const nodeFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    // A Request object (the SDKs pass a string): fetch handles it. Not `instanceof Request`,
    // which would load undici only to answer no.
    if (typeof input === 'object' && !(input instanceof URL)) return fetch(input, init);
    const target = targetOf(String(input));
    if (!target) return fetch(input, init);
    const { transport, href } = target;
    const { bytes: body, type } = await bodyBytes(init.body);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortReason(signal);
    const headers = requestHeaders(init.headers);
    if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    // A FormData body (a file upload) brings its own content type with the multipart boundary.
    if (type && headers['content-type'] === undefined) headers['content-type'] = type;

    return new Promise<Response>((resolve, reject) => {
      const request = transport.request(
        { ...target.options, method: init.method ?? 'GET', headers, agent: target.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('aborted', () => fail(new TypeError('fetch failed', { cause: new Error('connection closed mid-body') })));
          response.on('error', (error) => fail(new TypeError('fetch failed', { cause: error })));
          response.on('end', () => {
            if (settled) return;
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            const status = response.statusCode ?? 0;
            const noBody = status === 204 || status === 304 || (init.method ?? 'GET') === 'HEAD';
            const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            const buffered = new BufferedResponse(noBody ? null : bytes, status, response.statusMessage ?? '', new ResponseHeaders(response.headers), href);
            resolve(buffered as unknown as Response);
          });
        },
      );
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        request.destroy();
        reject(error);
      };
      const onAbort = () => fail(abortReason(signal as AbortSignal));
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => fail(new TypeError('fetch failed', { cause: error })));
      // A string body goes out with the request head in one write (a byte body in a second one).
      request.end(body);
    });
  };
  return nodeFetch as typeof fetch;
}

/** Where a URL's requests go: its transport and agent, and the request options parsed from it. */
interface Target {
  transport: typeof http | typeof https;
  agent: http.Agent;
  options: http.RequestOptions;
  href: string;
}

/** The request's headers as a plain object with lower-case names (the SDKs give a `Headers`). */
function requestHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!init) return headers;
  if (Array.isArray(init)) {
    for (const [key, value] of init) if (key !== undefined && value !== undefined) headers[key.toLowerCase()] = value;
  } else if (typeof (init as Headers).forEach === 'function') {
    (init as Headers).forEach((value, key) => {
      headers[key] = value;
    });
  } else {
    for (const [key, value] of Object.entries(init as Record<string, string>)) headers[key.toLowerCase()] = value;
  }
  return headers;
}

/** The body to send: a string as it is (written as UTF-8), anything else as bytes. */
async function bodyBytes(body: RequestInit['body']): Promise<{ bytes?: Uint8Array | string; type?: string }> {
  if (body === undefined || body === null) return {};
  if (typeof body === 'string') return { bytes: body };
  if (body instanceof Uint8Array) return { bytes: body };
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body) };
  // FormData, Blob, streams: serialised as fetch would, with the content type fetch would send.
  const encoded = new Response(body);
  const type = encoded.headers.get('content-type');
  return { bytes: new Uint8Array(await encoded.arrayBuffer()), ...(type ? { type } : {}) };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * A 2xx response whose JSON body does not parse (a proxy cut it, a server bug). It is a
 * TypeError, like a dropped connection, so the SDKs retry it within their `maxRetries`.
 */
export class MalformedJsonError extends TypeError {
  constructor(
    readonly status: number,
    readonly excerpt: string,
  ) {
    super(`malformed JSON in an HTTP ${status} response: ${excerpt}`);
    this.name = 'MalformedJsonError';
  }
}

/**
 * Wraps a `fetch` so that a 2xx JSON response whose body does not parse rejects with a
 * MalformedJsonError instead of resolving: the SDK then retries it as it retries a dropped
 * connection (the SDKs parse the body only after their retry loop, so a malformed 200 was
 * never retried). Other responses pass through unchanged.
 *
 * @example
 * new OpenAI({ apiKey, fetch: rejectMalformedJson(createNodeFetch()) });
 */
export function rejectMalformedJson(inner: typeof fetch): typeof fetch {
  const checked = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await inner(input, init);
    if (!response.ok || !/\bjson\b/i.test(response.headers.get('content-type') ?? '')) return response;
    const text = await response.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const flat = text.replace(/\s+/g, ' ').trim();
      throw new MalformedJsonError(response.status, flat.length > 120 ? `${flat.slice(0, 120)}…` : flat || '(empty body)');
    }
    // The parsed body goes with the response, so the SDK's json() does not parse it again.
    const buffered = new BufferedResponse(text, response.status, response.statusText, response.headers, response.url, { value });
    return buffered as unknown as Response;
  };
  return checked as typeof fetch;
}
