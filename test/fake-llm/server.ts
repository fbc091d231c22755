import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type BatchFaults, BatchStore, type FakeBatch } from './batch-common.js';
import { createAnthropicBatches } from './batch-anthropic.js';
import { createOpenAIBatches } from './batch-openai.js';
import { FaultPlan } from './faults.js';
import { matches, normalize } from './normalize.js';
import { resolveReply, usageFor } from './reply.js';
import { parseScriptFile } from './script-file.js';
import type {
  FakeChatRequest,
  FakeLlmCounts,
  FakeLlmOptions,
  FakeProvider,
  FaultRule,
  LoggedRequest,
  Outcome,
  ScriptRule,
} from './types.js';
import { anthropicResponse, errorResponse, openAIResponse, unsupportedParam } from './wire.js';

export * from './types.js';
export { faultMix } from './faults.js';
export { JUDGE_MARKER } from './normalize.js';
export type { BatchFaults, FakeBatch } from './batch-common.js';

/** A running fake LLM server. */
export interface FakeLlm {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** `${url}/v1`: the baseURL for the openai SDK (or any OpenAI-compatible client). */
  readonly openaiBaseURL: string;
  /** `url`: the baseURL for @anthropic-ai/sdk (it appends /v1/messages). */
  readonly anthropicBaseURL: string;
  /** Every request received, in order (empty when started with `log: false`). */
  readonly requests: LoggedRequest[];
  /** A snapshot of request counts per outcome, provider and rule. */
  readonly counts: FakeLlmCounts;
  /** Replaces the script (rule use counts restart). */
  setScript(rules: ScriptRule[]): void;
  /** Replaces the fault rules (their counters and PRNGs restart). */
  setFaults(rules: FaultRule[]): void;
  setLatency(ms: number): void;
  /** Batches received by the batch endpoints (OpenAI Batch API, Anthropic Message Batches), by id. */
  readonly batches: ReadonlyMap<string, FakeBatch>;
  /** Replaces the faults of the batch endpoints (their counters restart). */
  setBatchFaults(faults: BatchFaults): void;
  /** Clears the request log and the counts. */
  reset(): void;
  close(): Promise<void>;
}

const ROUTES: Record<string, FakeProvider> = {
  '/v1/chat/completions': 'openai',
  '/chat/completions': 'openai',
  '/v1/messages': 'anthropic',
};

/**
 * Starts a real HTTP server on 127.0.0.1 (random port) speaking the OpenAI chat-completions and
 * Anthropic messages wire formats, with scripted replies, latency and fault injection.
 *
 * @example
 * const llm = await startFakeLlm({ script: [{ match: { lastUser: 'refund' }, reply: { text: 'Refund issued.' } }] });
 * const client = new OpenAI({ apiKey: 'test-key', baseURL: llm.openaiBaseURL });
 * // ... later
 * await llm.close();
 */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const started = performance.now();
  const keepLog = options.log ?? true;
  let script = options.script ?? [];
  let ruleUses = new Map<ScriptRule, number>();
  let faults = new FaultPlan(options.faults);
  let latencyMs = options.latencyMs ?? 0;
  const requests: LoggedRequest[] = [];
  let counts = emptyCounts();
  let seq = 0;
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve();
      });
    });

  const pickRule = (req: FakeChatRequest): { rule?: ScriptRule; label?: string } => {
    for (const [i, rule] of script.entries()) {
      const used = ruleUses.get(rule) ?? 0;
      if (rule.times !== undefined && used >= rule.times) continue;
      if (!matches(rule.match, req)) continue;
      ruleUses.set(rule, used + 1);
      return { rule, label: rule.name ?? `#${i}` };
    }
    return { label: 'default' };
  };

  /** The wire body answering a request: the one reply logic of the interactive and the batch endpoints. */
  const payloadFor = (provider: FakeProvider, chat: FakeChatRequest, rule: ScriptRule | undefined, n: number): unknown => {
    const reply = resolveReply(rule, chat, n);
    const usage = usageFor(rule, chat, reply);
    const model = rule?.model ?? options.modelIds?.[chat.model] ?? chat.model;
    const payload = provider === 'openai' ? openAIResponse(reply, usage, model, n) : anthropicResponse(chat, reply, usage, model, n);
    if (rule?.omitUsage) delete (payload as { usage?: unknown }).usage;
    return payload;
  };
  const batchStore = new BatchStore({
    answer: (provider, body) => {
      const chat = normalize(provider, body);
      return payloadFor(provider, chat, pickRule(chat).rule, ++seq);
    },
    url: () => url,
  });
  const openaiBatches = createOpenAIBatches(batchStore);
  const anthropicBatches = createAnthropicBatches(batchStore);

  const count = (entry: { outcome: Outcome; provider?: FakeProvider; rule?: string }) => {
    counts.requests += 1;
    counts.byOutcome[entry.outcome] = (counts.byOutcome[entry.outcome] ?? 0) + 1;
    if (entry.provider) counts.byProvider[entry.provider] = (counts.byProvider[entry.provider] ?? 0) + 1;
    if (entry.rule) counts.byRule[entry.rule] = (counts.byRule[entry.rule] ?? 0) + 1;
  };

  /** Control endpoints for a server in another process (not counted, not logged). */
  function control(path: string, method: string, raw: string): { status: number; body: unknown } {
    if (method === 'GET' && path === '/_fake/counts') return { status: 200, body: counts };
    if (method === 'GET' && path === '/_fake/requests') return { status: 200, body: requests };
    if (method === 'POST' && path === '/_fake/reset') {
      requests.length = 0;
      counts = emptyCounts();
      return { status: 200, body: { ok: true } };
    }
    if (method === 'POST' && path === '/_fake/script') {
      try {
        const parsed = parseScriptFile(parseJson(raw) ?? {});
        script = parsed.script;
        ruleUses = new Map();
        faults = new FaultPlan(parsed.faults);
        if (parsed.latencyMs !== undefined) latencyMs = parsed.latencyMs;
        return { status: 200, body: { ok: true } };
      } catch (error) {
        return { status: 400, body: { error: { message: String(error) } } };
      }
    }
    return { status: 404, body: { error: { message: `no control endpoint ${method} ${path}` } } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/_fake/')) return sendJson(res, control(path, req.method ?? 'GET', raw));
    const batchReply = path.startsWith('/v1/messages/batches')
      ? anthropicBatches.handle(req.method ?? 'GET', path, bytes)
      : await openaiBatches.handle(req.method ?? 'GET', path, bytes, String(req.headers['content-type'] ?? ''));
    if (batchReply) {
      const provider: FakeProvider = path.startsWith('/v1/messages') ? 'anthropic' : 'openai';
      const entry: LoggedRequest = { seq: ++seq, method: req.method ?? 'GET', path, provider, headers: { ...req.headers }, body: parseJson(raw) ?? (raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw), time: performance.now() - started, outcome: batchReply.status === 200 ? 'ok' : batchReply.status === 404 ? 'not_found' : 'bad_request' };
      if (keepLog) requests.push(entry);
      count(entry);
      if ('text' in batchReply) {
        res.writeHead(batchReply.status, { 'content-type': 'application/jsonl', 'content-length': Buffer.byteLength(batchReply.text) });
        res.end(batchReply.text);
        return;
      }
      return sendJson(res, batchReply);
    }
    const provider = ROUTES[path];
    const entry: LoggedRequest = {
      seq: ++seq,
      method: req.method ?? 'GET',
      path,
      provider,
      headers: { ...req.headers },
      body: parseJson(raw) ?? raw,
      time: performance.now() - started,
      outcome: 'ok',
    };
    if (keepLog) requests.push(entry);
    const body = entry.body;
    if (!provider || req.method !== 'POST') {
      entry.outcome = 'not_found';
      count(entry);
      return sendJson(res, errorResponse(provider ?? 'openai', 'not_found'));
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      entry.outcome = 'bad_request';
      count(entry);
      return sendJson(res, errorResponse(provider, 'bad_request', 'Request body is not a JSON object.'));
    }
    const rejected = provider === 'openai' ? options.rejectParams?.find((p) => Object.hasOwn(body, p)) : undefined;
    if (rejected) {
      entry.outcome = 'bad_request';
      count(entry);
      return sendJson(res, unsupportedParam(rejected));
    }
    const chat = normalize(provider, body as Record<string, unknown>);
    const fault = faults.next(chat);
    if (fault) {
      entry.outcome = fault.kind;
      count(entry);
      const handled = await applyFault(fault, provider, req, res, wait);
      if (handled) return;
    }
    const { rule, label } = pickRule(chat);
    entry.rule = label;
    if (!fault) count(entry);
    await wait(rule?.latencyMs ?? latencyMs, res);
    if (res.destroyed) return;
    sendJson(res, { status: 200, body: payloadFor(provider, chat, rule, entry.seq) });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, { status: 500, body: { error: { message: String(error) } } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    get counts() {
      return structuredClone(counts);
    },
    setScript(rules) {
      script = rules;
      ruleUses = new Map();
    },
    setFaults(rules) {
      faults = new FaultPlan(rules);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    batches: batchStore.batches,
    setBatchFaults(faults) {
      batchStore.setFaults(faults);
    },
    reset() {
      requests.length = 0;
      counts = emptyCounts();
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function emptyCounts(): FakeLlmCounts {
  return { requests: 0, byOutcome: {}, byProvider: {}, byRule: {} };
}

/** Applies a fault. Returns false when the request should then be answered normally (a finite hang). */
async function applyFault(
  fault: FaultRule,
  provider: FakeProvider,
  req: IncomingMessage,
  res: ServerResponse,
  wait: (ms: number, res: ServerResponse) => Promise<void>,
): Promise<boolean> {
  const retryHeaders: Record<string, string> = {};
  if (fault.retryAfterMs !== undefined) retryHeaders['retry-after-ms'] = String(fault.retryAfterMs);
  switch (fault.kind) {
    case 'rate_limit':
      retryHeaders['retry-after'] = String(fault.retryAfter ?? 1);
      sendJson(res, errorResponse(provider, 'rate_limit'), retryHeaders);
      return true;
    case 'server_error':
    case 'overloaded':
      if (fault.retryAfter !== undefined) retryHeaders['retry-after'] = String(fault.retryAfter);
      sendJson(res, errorResponse(provider, fault.kind), retryHeaders);
      return true;
    case 'auth': {
      const given = String(req.headers['x-api-key'] ?? req.headers.authorization ?? '').replace(/^Bearer /, '');
      sendJson(res, errorResponse(provider, 'auth', `Incorrect API key provided: ${given}.`));
      return true;
    }
    case 'timeout':
      if (fault.hangMs === undefined) {
        await new Promise<void>((resolve) => res.once('close', () => resolve()));
        return true;
      }
      await wait(fault.hangMs, res);
      return res.destroyed;
    case 'malformed': {
      const text = '{"id": "broken", "choices": [{"message": {"content": "unterminated';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return true;
    }
    case 'drop': {
      const text = JSON.stringify({ id: 'dropped', padding: 'x'.repeat(256) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, 40), () => res.destroy());
      return true;
    }
  }
}

function sendJson(res: ServerResponse, reply: { status: number; body: unknown }, headers: Record<string, string> = {}) {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
