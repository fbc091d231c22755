import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer } from '../src/review/server.js';
import { type FakeLlm, startFakeLlm } from './fake-llm/server.js';
import { type CliResult, runCli } from './helpers/cli.js';
import { type LoopbackBot, startLoopbackBot } from './helpers/loopback-bot.js';

/**
 * Issue 15 item 2: a bot that answers 500 and echoes the request headers, a provider whose 401
 * quotes the key, and a module agent whose error names it. Not one secret may reach any file the
 * run, report, gate, regrade or view write, nor stdout/stderr.
 */

// Fresh values each run; none shaped like a known key, so only scrubbing by value can catch them.
const OPENAI_KEY = `test-openai-${randomBytes(12).toString('hex')}`;
const BOT_TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const LITERAL_AUTH = `Basic ${randomBytes(12).toString('base64url')}`;
const SECRETS = [OPENAI_KEY, BOT_TOKEN, LITERAL_AUTH.slice('Basic '.length)];

let dir: string;
let bot: LoopbackBot;
let llm: FakeLlm;
const outputs: Array<{ what: string; text: string }> = [];

async function cli(what: string, args: string[]): Promise<CliResult> {
  const result = await runCli(args, {
    cwd: dir,
    cleanEnv: true,
    env: { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: llm.openaiBaseURL, BOT_TOKEN },
  });
  outputs.push({ what: `${what} stdout`, text: result.stdout }, { what: `${what} stderr`, text: result.stderr });
  return result;
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'convotest-secrets-'));
  // Echoes the headers that matter first, so they fall inside the error's 200-character excerpt.
  bot = await startLoopbackBot((req) => {
    const { 'x-api-key': key, 'x-bot-token': token, authorization, 'x-team': team, ...rest } = req.headers;
    return { status: 500, body: { echo: { 'x-api-key': key, 'x-bot-token': token, authorization, 'x-team': team, ...rest } } };
  });
  llm = await startFakeLlm({ faults: [{ kind: 'auth' }] });
  await writeFile(
    path.join(dir, 'golden.yaml'),
    `cases:
  - id: refund
    tags: { intent: refund }
    turns: [{ user: Where is my refund? }]
  - id: address
    tags: { intent: account }
    turns: [{ user: Change my address please }]
`,
  );
  await writeFile(
    path.join(dir, 'leaky-agent.mjs'),
    `export default async function () { throw new Error('backend refused key ' + process.env.OPENAI_API_KEY + ' and token ' + process.env.BOT_TOKEN); }\n`,
  );
  await writeFile(
    path.join(dir, 'convotest.config.yaml'),
    `goldenSets: [golden.yaml]
agents:
  bot:
    kind: http
    url: ${bot.url}/chat
    maxRetries: 0
    headers:
      x-api-key: { env: OPENAI_API_KEY }
      X-Bot-Token: { env: BOT_TOKEN, prefix: 'Token ' }
      Authorization: '${LITERAL_AUTH}'
      X-Team: support
  gpt:
    kind: model
    provider: openai
    model: gpt-4o-mini
    maxRetries: 0
  leaky:
    kind: module
    path: leaky-agent.mjs
outDir: runs
failOnError: false
`,
  );
  // The run, then everything that reads its record.
  // The run (it writes runs/run.html too), then what reads its record, side by side.
  await cli('run', ['run', '-o', 'runs/run.jsonl', '--no-cache']);
  await Promise.all([
    cli('report junit', ['report', 'runs/run.jsonl', '--format', 'junit', '--out', 'runs/report.junit.xml']),
    cli('gate', ['gate', '--baseline', 'runs/run.jsonl', '--candidate', 'runs/run.jsonl']),
    cli('gate junit', ['gate', '--baseline', 'runs/run.jsonl', '--candidate', 'runs/run.jsonl', '--format', 'junit', '--out', 'runs/gate.junit.xml']),
    cli('regrade', ['regrade', 'runs/run.jsonl', '-o', 'runs/regraded.jsonl']),
  ]);
  const view = await startViewServer({ runPath: path.join(dir, 'runs/run.jsonl'), reviewer: 'ana' });
  try {
    const page = await fetch(view.url);
    outputs.push({ what: 'view page', text: await page.text() });
  } finally {
    await view.close();
  }
}, 400_000);

afterAll(async () => {
  if (process.env.KEEP_TMP) console.log(dir);
  await bot?.close();
  await llm?.close();
  if (!process.env.KEEP_TMP) await rm(dir, { recursive: true, force: true });
});

describe('secrets never leave the process', () => {
  it('the bot really received the secrets and echoed them back', () => {
    const headers = bot.requests[0]?.headers ?? {};
    expect(headers['x-api-key']).toBe(OPENAI_KEY);
    expect(headers['x-bot-token']).toBe(`Token ${BOT_TOKEN}`);
    expect(headers['authorization']).toBe(LITERAL_AUTH);
  });

  it('records each error with its cause, the secrets replaced by [SECRET]', async () => {
    const lines = (await readFile(path.join(dir, 'runs/run.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const errors = lines.filter((l) => l['type'] === 'result').map((l) => l['error'] as { code: string; message: string } | undefined);
    expect(errors).toHaveLength(6);
    const messages = errors.map((e) => e?.message ?? '');
    const echoed = '{"echo":{"x-api-key":"[SECRET]","x-bot-token":"[SECRET]","authorization":"[SECRET]","x-team":"support"';
    expect(messages.filter((m) => m.includes(`HTTP 500 after 1 attempt(s): ${echoed}`))).toHaveLength(2);
    expect(messages.filter((m) => /^openai gpt-4o-mini: HTTP 401 .*\[SECRET\]/.test(m))).toHaveLength(2);
    expect(messages.filter((m) => /backend refused key \[SECRET\] and token \[SECRET\]/.test(m))).toHaveLength(2);
  });

  it('no file written and no console output holds a secret', async () => {
    const files = await filesUnder(dir);
    expect(files.map((f) => path.relative(dir, f)).sort()).toEqual(
      expect.arrayContaining(['runs/run.jsonl', 'runs/run.html', 'runs/report.junit.xml', 'runs/gate.junit.xml', 'runs/regraded.jsonl']),
    );
    const scanned = [
      ...(await Promise.all(files.filter((f) => !/convotest\.config\.yaml$|leaky-agent\.mjs$/.test(f)).map(async (f) => ({ what: path.relative(dir, f), text: await readFile(f, 'utf8') })))),
      ...outputs,
    ];
    const leaks = scanned.flatMap(({ what, text }) => SECRETS.filter((s) => text.includes(s)).map((s) => `${what}: ${s.slice(0, 8)}…`));
    expect(leaks).toEqual([]);
  });
});
