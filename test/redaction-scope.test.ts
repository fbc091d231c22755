import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer } from '../src/review/server.js';
import { type FakeLlm, startFakeLlm } from './fake-llm/server.js';
import { type CliResult, runCli } from './helpers/cli.js';

/**
 * Issue 15 items 3 and 4: with redaction on, 22 planted emails, phones, cards, IBANs, national
 * ids and IP addresses (in user turns, knowledge, the reference answer and the agent's reply)
 * reach no file the run, report, gate, regrade and view write, through grade details (grounding
 * claims, accuracy's extracted numbers), evidence, reasons, knowledge or transcripts. The cache
 * stores requests only as hashes; what it keeps of the agent's reply is raw, as README says.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const USER_TURNS = [
  'Hi, I am ana.garcia@example.com, card 4111 1111 1111 1111, phone +34 612 345 678, IBAN GB82 WEST 1234 5698 7654 32.',
  'Also j.smith@mail.test, (415) 555-0132, card 5500-0000-0000-0004, SSN 123-45-6789, DNI 12345678Z, from 203.0.113.7.',
  'And m.rossi@example.it, 06 12 34 56 78, Amex 3782 822463 10005, from 2001:db8::8a2e:370:7334.',
];
const KNOWLEDGE = 'Billing questions go to billing.team@example.net or +44 20 7946 0958.';
const REFERENCE = 'The refund goes to card 4012888888881881; questions to +1 202 555 0143.';
const REPLY = 'Thanks, noted. Write to help.desk@example.org or call +14155550199; card 4242 4242 4242 4242 will be refunded to DE89 3704 0044 0532 0130 00.';

/** Planted values only the request carries (the agent never repeats them). */
const REQUEST_SIDE = [
  'ana.garcia@example.com', '4111 1111 1111 1111', '+34 612 345 678', 'GB82 WEST 1234 5698 7654 32',
  'j.smith@mail.test', '(415) 555-0132', '5500-0000-0000-0004', '123-45-6789', '12345678Z', '203.0.113.7',
  'm.rossi@example.it', '06 12 34 56 78', '3782 822463 10005', '2001:db8::8a2e:370:7334',
  'billing.team@example.net', '+44 20 7946 0958', '4012888888881881', '+1 202 555 0143',
];
/** Planted values the agent's reply states. */
const REPLY_SIDE = ['help.desk@example.org', '+14155550199', '4242 4242 4242 4242', 'DE89 3704 0044 0532 0130 00'];
const PLANTED = [...REQUEST_SIDE, ...REPLY_SIDE];
/** The same numbers as a grader that extracts digits stores them. */
const DIGIT_FORMS = ['4111111111111111', '5500000000000004', '378282246310005', '4242424242424242', '14155550199', '34612345678'];

let dir: string;
let llm: FakeLlm;
const outputs: Array<{ what: string; text: string }> = [];
const results: Record<string, Array<Record<string, unknown>>> = {};

async function cli(what: string, args: string[]): Promise<CliResult> {
  const result = await runCli(args, { cwd: dir, cleanEnv: true, env: { OPENAI_API_KEY: 'test-key-redaction', OPENAI_BASE_URL: llm.openaiBaseURL } });
  outputs.push({ what: `${what} stdout`, text: result.stdout }, { what: `${what} stderr`, text: result.stderr });
  return result;
}

async function textFiles(folder: string): Promise<Array<{ what: string; text: string }>> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return Promise.all(files.map(async (f) => ({ what: path.relative(dir, f), text: await readFile(f, 'utf8') })));
}

function found(values: readonly string[], texts: ReadonlyArray<{ what: string; text: string }>): string[] {
  return texts.flatMap(({ what, text }) => values.filter((v) => text.includes(v) || text.includes(JSON.stringify(v).slice(1, -1))).map((v) => `${what}: ${v}`));
}

async function resultsOf(file: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path.join(dir, file), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l['type'] === 'result');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convotest-redaction-'));
  llm = await startFakeLlm({ script: [{ match: { judge: false }, reply: { text: REPLY } }] });
  const turns = USER_TURNS.map((u) => `      - user: ${JSON.stringify(u)}`).join('\n');
  await writeFile(
    path.join(dir, 'golden.yaml'),
    `cases:
  - id: account-change
    tags: { intent: account }
    knowledge:
      - { id: billing, content: ${JSON.stringify(KNOWLEDGE)} }
    turns:
${turns}
    expect:
      reference: ${JSON.stringify(REFERENCE)}
      must_not_match: ['help\\.desk@example\\.org']
`,
  );
  const grader = (name: string) => path.join(root, 'graders', name);
  await writeFile(
    path.join(dir, 'convotest.config.yaml'),
    `goldenSets: [golden.yaml]
graders: [${grader('grounding.yaml')}, ${grader('pii-leak.yaml')}, ${grader('accuracy.yaml')}, ${grader('rules.yaml')}]
defaultGraders: [grounding, pii-leak, accuracy]
agents:
  gpt: { kind: model, provider: openai, model: gpt-4o-mini }
judge: { provider: openai, model: judge-model }
pricing:
  gpt-4o-mini: { input: 1, output: 1 }
  judge-model: { input: 1, output: 1 }
redaction: { enabled: true }
outDir: runs
`,
  );
  const ran = await cli('run', ['run', '-o', 'runs/run.jsonl']);
  expect(ran.code, ran.stderr).toBe(0);
  const callsAfterRun = llm.counts.requests;
  await Promise.all([
    cli('replay', ['run', '--cache-only', '-o', 'runs/replay.jsonl']),
    cli('report junit', ['report', 'runs/run.jsonl', '--format', 'junit', '--out', 'runs/report.junit.xml']),
    cli('gate', ['gate', '--baseline', 'runs/run.jsonl', '--candidate', 'runs/run.jsonl']),
    cli('gate junit', ['gate', '--baseline', 'runs/run.jsonl', '--candidate', 'runs/run.jsonl', '--format', 'junit', '--out', 'runs/gate.junit.xml']),
    cli('regrade', ['regrade', 'runs/run.jsonl', '--cache-only', '-o', 'runs/regraded.jsonl']),
  ]);
  expect(llm.counts.requests).toBe(callsAfterRun);
  const view = await startViewServer({ runPath: path.join(dir, 'runs/run.jsonl'), reviewer: 'ana' });
  try {
    outputs.push({ what: 'view page', text: await (await fetch(view.url)).text() });
  } finally {
    await view.close();
  }
  for (const f of ['runs/run.jsonl', 'runs/replay.jsonl', 'runs/regraded.jsonl']) results[f] = await resultsOf(f);
}, 400_000);

afterAll(async () => {
  await llm?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('redaction covers everything a result stores', () => {
  it('the graders saw the planted values and stored what they found (redacted)', () => {
    const [result] = results['runs/run.jsonl']!;
    const grades = result!['grades'] as Array<{ grader: string; pass: boolean | null; details?: Record<string, unknown>; evidence?: unknown[] }>;
    expect(grades.find((g) => g.grader === 'pii-leak')?.pass).toBe(false);
    expect(grades.find((g) => g.grader === 'pii-leak')?.evidence?.length).toBeGreaterThan(0);
    expect(JSON.stringify(grades.find((g) => g.grader === 'grounding')?.details)).toMatch(/\[EMAIL_\d+\]|\[PHONE_\d+\]/);
    expect(JSON.stringify(grades.find((g) => g.grader === 'accuracy')?.details)).toContain('[CARD_');
    expect(Object.values(result!['redactions'] as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(PLANTED.length);
  });

  it('no planted value in any output file, page or console line', async () => {
    const written = (await textFiles(path.join(dir, 'runs'))).filter((f) => !f.what.startsWith('.convotest-cache'));
    expect(written.map((f) => f.what)).toEqual(
      expect.arrayContaining(['runs/run.jsonl', 'runs/run.html', 'runs/replay.jsonl', 'runs/report.junit.xml', 'runs/gate.junit.xml', 'runs/regraded.jsonl']),
    );
    expect(found([...PLANTED, ...DIGIT_FORMS], [...written, ...outputs])).toEqual([]);
  });

  it('the cache holds requests only as hashes; the replies it keeps are raw, so a replay is exact', async () => {
    const cache = await textFiles(path.join(dir, '.convotest-cache'));
    expect(cache.length).toBeGreaterThan(0);
    for (const entry of cache) expect(Object.keys(JSON.parse(entry.text) as object).sort()).toEqual(['kind', 'value']);
    expect(found(REQUEST_SIDE, cache)).toEqual([]);
    // Documented in README ("Cache"): the agent's reply is kept as it was said.
    expect(found(REPLY_SIDE, cache).length).toBeGreaterThan(0);
    // A replayed reply is marked `cached`; everything else is the same.
    const strip = (r: Record<string, unknown>) => ({
      transcript: (r['transcript'] as Array<Record<string, unknown>>).map(({ cached: _cached, ...m }) => m),
      grades: r['grades'],
      redactions: r['redactions'],
    });
    expect(results['runs/replay.jsonl']!.map(strip)).toEqual(results['runs/run.jsonl']!.map(strip));
  });
});
