import { createHash } from 'node:crypto';
import { createRunWriter } from '../../src/io/run-writer.js';
import type { Grade } from '../../src/schema/grade.js';
import { RUN_FORMAT_VERSION, type RunHeader, type RunResult, type TranscriptMessage } from '../../src/schema/run-record.js';
import { createRng } from '../../src/core/stats/prng.js';

/** Options of a synthetic run: N cases × variants, deterministic from `seed`. */
export interface SyntheticOptions {
  cases: number;
  variants?: string[];
  seed?: number;
  /** Added to every score (a "better" or "worse" candidate). */
  quality?: number;
  runId?: string;
  /** Plant script/img/javascript: payloads in the transcript of the first case. */
  hostile?: boolean;
}

const INTENTS = ['refund', 'billing', 'delivery', 'account', 'complaint'];
const CHANNELS = ['chat', 'email', 'voice'];
const LANGS = ['en', 'es'];


const seedOf = (...parts: Array<string | number>): number =>
  createHash('sha256').update(parts.join('|')).digest().readUInt32LE(0);

export const HOSTILE = {
  script: '<script>window.__pwned = "script"</script>',
  img: '<img src=x onerror="window.__pwned=\'img\'">',
  link: '[click](javascript:window.__pwned=1) <a href="javascript:window.__pwned=2">here</a>',
};

export function syntheticHeader(options: SyntheticOptions): Omit<RunHeader, 'type' | 'prev'> {
  const variants = options.variants ?? ['baseline', 'candidate'];
  return {
    format: RUN_FORMAT_VERSION,
    runId: options.runId ?? `synthetic-${options.seed ?? 1}`,
    tool: { name: 'convotest', version: '0.1.0' },
    startedAt: '2026-01-01T00:00:00.000Z',
    config: { signingKeyEnv: 'CONVOTEST_SIGNING_KEY' },
    hashes: { config: 'c0ffee', goldenSets: { 'golden-sets/synthetic.yaml': 'abc123' }, graders: { helpfulness: 'h1', policy: 'p1', grounding: 'g1' } },
    variants: variants.map((name, i) => ({ name, kind: 'model', provider: 'openai', model: i === 0 ? 'gpt-4o-mini' : 'gpt-4.1' })),
    graders: [
      { name: 'helpfulness', kind: 'llm-judge', scope: 'conversation', threshold: 0.7, hash: 'h1' },
      { name: 'policy', kind: 'regex', scope: 'turn', threshold: 1, hash: 'p1' },
      { name: 'grounding', kind: 'grounding', scope: 'conversation', threshold: 0.5, hash: 'g1' },
    ],
    repeat: 1,
  };
}

/** One result of a synthetic run (realistic shape: tool calls, per-turn usage, grades with evidence). */
export type SyntheticResult = Omit<RunResult, 'type' | 'prev'>;

export function syntheticResult(options: SyntheticOptions, index: number, variant: string): SyntheticResult {
  const seed = options.seed ?? 1;
  const vIndex = (options.variants ?? ['baseline', 'candidate']).indexOf(variant);
  const caseRand = createRng(seedOf('case', index));
  const rand = createRng(seedOf(seed, index, variant));
  const intent = INTENTS[index % INTENTS.length] ?? 'refund';
  const tags = {
    intent,
    channel: CHANNELS[Math.floor(caseRand() * CHANNELS.length)] ?? 'chat',
    language: LANGS[Math.floor(caseRand() * LANGS.length)] ?? 'en',
    risk: caseRand() < 0.2 ? 'high' : 'low',
  };
  const order = `A${1000 + index}`;
  const hostile = options.hostile && index === 0;
  const transcript: TranscriptMessage[] = [
    { role: 'user', content: hostile ? `Hi ${HOSTILE.script} ${HOSTILE.img}` : `Hi, I need help with my ${intent} for order ${order}.`, scripted: true, turn: 0 },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: `call_${index}`, type: 'function', function: { name: 'lookup_order', arguments: JSON.stringify({ order }) } }],
      usage: { input: 120, output: 18, cached: 0 },
      latencyMs: 300 + Math.round(rand() * 400),
      costUsd: 0.00004,
      turn: 0,
    },
    { role: 'tool', tool_call_id: `call_${index}`, content: JSON.stringify({ order, status: 'delivered', total: 42.5 }), turn: 0 },
    {
      role: 'assistant',
      content: hostile
        ? `Sure. ${HOSTILE.link}`
        : `Thanks! Order ${order} was delivered. Refunds are processed within 14 days of the request.${vIndex > 0 ? ' Anything else?' : ''}`,
      usage: { input: 180, output: 40 + vIndex * 5, cached: 64 },
      latencyMs: 500 + Math.round(rand() * 900),
      costUsd: 0.0001 * (1 + vIndex),
      turn: 0,
    },
    { role: 'user', content: `Can I get the refund to my card? case-${index}`, scripted: true, turn: 1 },
    {
      role: 'assistant',
      content: 'Yes, the refund goes back to the original payment method.',
      usage: { input: 240, output: 22, cached: 128 },
      latencyMs: 400 + Math.round(rand() * 800),
      costUsd: 0.00008 * (1 + vIndex),
      turn: 1,
    },
  ];
  const reply = transcript[3]?.content ?? '';
  const quote = 'within 14 days';
  const at = reply.indexOf(quote);
  const score = Math.max(0, Math.min(1, rand() * 0.6 + 0.45 + (options.quality ?? 0) * (vIndex > 0 ? 1 : 0.5)));
  const grades: Grade[] = [
    {
      grader: 'helpfulness',
      kind: 'llm-judge',
      scope: 'conversation',
      score: Math.round(score * 100) / 100,
      pass: score >= 0.7,
      threshold: 0.7,
      reason: score >= 0.7 ? 'The agent answered both questions with the policy.' : 'The agent did not confirm the refund amount.',
      ...(at >= 0 ? { evidence: [{ turn: 3, quote, span: [at, at + quote.length] as [number, number] }] } : {}),
      usage: { input: 900, output: 120, cached: 0 },
      costUsd: 0.0003,
    },
    {
      grader: 'policy',
      kind: 'regex',
      scope: 'turn',
      score: rand() < 0.1 ? 0.5 : 1,
      pass: true,
      threshold: 1,
      // Per-turn verdicts index transcript messages: the replies are messages #1, #3 and #5.
      turns: [
        { turn: 1, score: 1, pass: true },
        { turn: 3, score: 1, pass: true },
        { turn: 5, score: 1, pass: true },
      ],
    },
  ];
  const policy = grades[1];
  if (policy && policy.score !== 1) {
    policy.pass = false;
    policy.turns = [
      { turn: 1, score: 1, pass: true },
      { turn: 3, score: 1, pass: true },
      { turn: 5, score: 0, pass: false, reason: 'promised a refund method without checking' },
    ];
    policy.evidence = [{ turn: 5, quote: 'original payment method' }];
  }
  if (rand() < 0.05) {
    grades.push({ grader: 'grounding', kind: 'grounding', scope: 'conversation', score: null, pass: null, error: { code: 'E_JUDGE_PARSE', message: 'unparsable judge answer' } });
  } else {
    const g = Math.round(rand() * 100) / 100;
    grades.push({ grader: 'grounding', kind: 'grounding', scope: 'conversation', score: g, pass: g >= 0.5, threshold: 0.5 });
  }
  const failed = rand() < 0.02;
  const content = transcript.map((m) => [m.role, m.content, m.tool_calls]);
  return {
    caseId: `${intent}-${String(index).padStart(4, '0')}`,
    variant,
    repeat: 0,
    tags,
    source: 'golden-sets/synthetic.yaml',
    mode: 'replay',
    transcript: failed ? transcript.slice(0, 1) : transcript,
    transcriptHash: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
    usage: { input: 540, output: 80, cached: 192 },
    judgeUsage: { input: 900, output: 120, cached: 0 },
    costUsd: 0.00022 * (1 + vIndex),
    judgeCostUsd: 0.0003,
    latencyMs: 1500,
    startedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 2100,
    grades: failed ? [] : grades,
    knowledge: [{ id: 'refund-policy', title: 'Refund policy', content: 'Refunds are processed within 14 days of the request, to the original payment method.' }],
    ...(failed ? { error: { code: 'E_PROVIDER', message: 'HTTP 503 after 2 retries', turn: 0, retries: 2 } } : {}),
  };
}

/** Writes a synthetic run with the real run writer; resolves to its header and results. */
export async function writeSyntheticRun(path: string, options: SyntheticOptions & { signingKey?: string }) {
  const header = syntheticHeader(options);
  const writer = await createRunWriter(path, header, options.signingKey ? { signingKey: options.signingKey } : {});
  const results: SyntheticResult[] = [];
  for (let i = 0; i < options.cases; i++) {
    for (const v of options.variants ?? ['baseline', 'candidate']) {
      const r = syntheticResult(options, i, v);
      results.push(r);
      await writer.writeResult(r);
    }
  }
  await writer.finish({ status: 'complete', endedAt: '2026-01-01T00:10:00.000Z', results: results.length, errors: results.filter((r) => r.error).length });
  return { header, results };
}
