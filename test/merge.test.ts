import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainLine, GENESIS, sha256, signLine } from '../src/io/hash-chain.js';
import { readRunAll } from '../src/io/run-reader.js';
import type { Summary } from '../src/schema/summary.js';
import { useFakeLlm } from './fake-llm/use.js';
import { runCli } from './helpers/cli.js';
import { syntheticProject } from './helpers/golden.js';

// 4 shards + merge against one unsharded run of the same work, over the fake LLM server and the
// real CLI: the cache recorded by the unsharded run answers the shards (--cache-only), so both
// see the same replies, tokens and latencies.

const llm = useFakeLlm({ log: false });
const KEY = 'merge-test-signing-key';
const env = { OPENAI_API_KEY: 'test-key', CONVOTEST_TEST_KEY: KEY };
const quiet = ['--progress', 'none', '--no-html'];

let dir = '';
const cli = (args: string[], extraEnv: Record<string, string | undefined> = {}) => runCli(args, { cwd: dir, cleanEnv: true, env: { ...env, ...extraEnv } });
const shardPaths = [1, 2, 3, 4].map((i) => `runs/shard-${i}.jsonl`);

/** Rewrites a record's lines with `edit` and rebuilds its hash chain (and signature, with `key`): a shard altered by someone who knows the format. */
async function rechain(from: string, to: string, edit: (value: Record<string, unknown>, index: number) => Record<string, unknown>, key?: string): Promise<void> {
  const lines = (await readFile(join(dir, from), 'utf8')).trimEnd().split('\n');
  let prev = GENESIS;
  const out: string[] = [];
  for (const [i, text] of lines.entries()) {
    const value = edit(JSON.parse(text) as Record<string, unknown>, i);
    delete value['signature'];
    if (value['type'] === 'summary') value['digest'] = prev;
    const chained = chainLine(value, prev);
    const line = value['type'] === 'summary' && key ? signLine(chained.line, key) : chained.line;
    out.push(line);
    prev = sha256(line);
  }
  await writeFile(join(dir, to), `${out.join('\n')}\n`);
}

const withoutIds = (summary: Summary | undefined) => {
  const { runId: _runId, ...rest } = summary ?? ({} as Summary);
  return rest;
};

beforeAll(async () => {
  dir = await syntheticProject({
    cases: 30,
    turns: 2,
    baseURL: llm.openaiBaseURL,
    html: true,
    extraConfig: 'defaultGraders: [mentions-shipping]\nrepeat: 2\nsigningKeyEnv: CONVOTEST_TEST_KEY\ngate:\n  slices: [intent]\n',
  });
  const configPath = join(dir, 'convotest.config.yaml');
  await writeFile(configPath, (await readFile(configPath, 'utf8')).replace('graders: []', 'graders: [graders]'));
  await mkdir(join(dir, 'graders'));
  await writeFile(
    join(dir, 'graders/shipping.yaml'),
    "name: mentions-shipping\nkind: regex\nscope: turn\nroles: [assistant]\nmust_match:\n  - label: shipping\n    pattern: '(?i)ships'\n",
  );
  // The baseline always mentions shipping; the candidate forgets it for every third case, on one repeat.
  llm.setScript([{ reply: { text: 'Good news: it ships tomorrow.' } }]);
  expect((await cli(['run', ...quiet, '--no-cache', '--out', 'runs/base.jsonl'])).code).toBe(0);
  let n = 0;
  llm.setScript([
    { match: { lastUser: /case-\d{4}[0369]\b/ }, reply: () => ({ text: n++ % 2 ? 'Please check your account page.' : 'It ships on Monday.' }) },
    { reply: { text: 'Your parcel ships tomorrow, tracking follows.' } },
  ]);
  const full = await cli(['run', ...quiet, '--out', 'runs/full.jsonl']);
  expect(full.stderr).toBe('');
  expect(full.code).toBe(0);
  llm.setScript([{ reply: { text: 'NOT FROM THE CACHE' } }]);
  const shards = await Promise.all(shardPaths.map((out, i) => cli(['run', ...quiet, '--cache-only', '--shard', `${i + 1}/4`, '--out', out])));
  for (const s of shards) expect(s.stderr).toBe('');
  expect(shards.map((s) => s.code)).toEqual([0, 0, 0, 0]);
}, 240_000);

describe('convotest run --shard i/n + convotest merge', () => {
  it('4 shards merged give the same summary, gate verdict and verify as one run', async () => {
    const merged = await cli(['merge', ...shardPaths, '--out', 'runs/merged.jsonl', '--no-html']);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('runs/merged.jsonl');

    const full = await readRunAll(join(dir, 'runs/full.jsonl'));
    const run = await readRunAll(join(dir, 'runs/merged.jsonl'));
    // Every mean, rate, interval and KPI, per variant, slice and grader.
    expect(withoutIds(run.summaryLine?.summary)).toEqual(withoutIds(full.summaryLine?.summary));
    expect(run.summaryLine?.summary?.variants[0]?.passRate.rate).toBeLessThan(1);
    expect(run.status).toBe('complete');
    expect(run.results).toHaveLength(60);

    // Each shard's cases, all their repeats, on that shard alone; every result keeps its shard.
    const shards = await Promise.all(shardPaths.map((p) => readRunAll(join(dir, p))));
    const sizes = shards.map((s) => s.results.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(60);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    for (const [i, shard] of shards.entries()) {
      expect(shard.header.selection).toEqual({ filters: [], caseIds: [], shard: `${i + 1}/4` });
      for (const r of shard.results) {
        expect(run.results.find((m) => m.caseId === r.caseId && m.repeat === r.repeat)?.shard).toBe(`${i + 1}/4`);
      }
    }
    // Results in case, repeat order; the header lists the shards with their final digests.
    const order = run.results.map((r) => `${r.caseId}/${r.repeat}`);
    expect(order).toEqual([...order].sort());
    expect(run.header.selection).toBeUndefined();
    expect(run.header.merged?.map((m) => [m.shard, m.path, m.runId, m.digest, m.results])).toEqual(
      shards.map((s, i) => [`${i + 1}/4`, shardPaths[i], s.header.runId, s.summaryLine?.digest, s.results.length]),
    );

    const verify = await cli(['verify', 'runs/merged.jsonl']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^OK {2}runs\/merged\.jsonl {2}62 lines, digest [0-9a-f]{64}, signature valid\n$/);

    // The same verdict, reasons and flipped cases, whichever record is the candidate.
    const gateOf = async (candidate: string) => {
      const out = await cli(['gate', '--baseline', 'runs/base.jsonl', '--candidate', candidate, '--format', 'json']);
      // The JSON verdict, then the `gate: <word>` line.
      const json = out.stdout.slice(0, out.stdout.lastIndexOf('}') + 1);
      return { code: out.code, verdict: JSON.parse(json.replaceAll(candidate, '<candidate>')) as Record<string, unknown> };
    };
    const [one, joined] = await Promise.all([gateOf('runs/full.jsonl'), gateOf('runs/merged.jsonl')]);
    expect(one.code).toBe(1);
    const strip = (v: Record<string, unknown>) => JSON.parse(JSON.stringify(v).replace(/"runId":"[^"]*"/g, '"runId":"<id>"')) as unknown;
    expect(strip(joined.verdict)).toEqual(strip(one.verdict));
    expect(joined.code).toBe(one.code);
  }, 120_000);

  it('writes the HTML report and gates against a baseline like run does', async () => {
    const merged = await cli(['merge', ...shardPaths, '--out', 'runs/merged-gated.jsonl', '--baseline', 'runs/base.jsonl']);
    expect(merged.code).toBe(1);
    expect(merged.stdout).toMatch(/fail/i);
    expect(await readFile(join(dir, 'runs/merged-gated.html'), 'utf8')).toContain('<html');
    expect(await readFile(join(dir, 'runs/merged-gated.gate.md'), 'utf8')).toContain('intent=');
  }, 60_000);

  it('refuses a shard with an edited line, naming the file and the line', async () => {
    const text = await readFile(join(dir, shardPaths[1]!), 'utf8');
    const lines = text.split('\n');
    lines[2] = lines[2]!.replace('ships', 'SHIPS');
    await writeFile(join(dir, 'runs/edited.jsonl'), lines.join('\n'));
    const out = await cli(['merge', shardPaths[0]!, 'runs/edited.jsonl', shardPaths[2]!, shardPaths[3]!, '--out', 'runs/m-edited.jsonl']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('convotest: runs/edited.jsonl:3: line 3 was altered, or a line after it was removed (line 4\'s prev does not match line 3); not merged: the shard was altered: `convotest verify runs/edited.jsonl` shows it\n');
    expect(await readFile(join(dir, 'runs/m-edited.jsonl')).catch(() => 'absent')).toBe('absent');
  }, 60_000);

  it('refuses a shard whose chain was rebuilt without the signing key', async () => {
    await rechain(shardPaths[2]!, 'runs/rebuilt.jsonl', (v) => (v['type'] === 'result' ? { ...v, costUsd: 0 } : v));
    const out = await cli(['merge', shardPaths[0]!, shardPaths[1]!, 'runs/rebuilt.jsonl', shardPaths[3]!, '--out', 'runs/m-rebuilt.jsonl']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^convotest: runs\/rebuilt\.jsonl:\d+: a signing key was given but the record carries no signature; not merged/);
    const forged = 'runs/forged.jsonl';
    await rechain(shardPaths[2]!, forged, (v) => (v['type'] === 'result' ? { ...v, costUsd: 0 } : v), 'not-the-key');
    const signed = await cli(['merge', shardPaths[0]!, shardPaths[1]!, forged, shardPaths[3]!, '--out', 'runs/m-forged.jsonl']);
    expect(signed.code).toBe(2);
    expect(signed.stderr).toMatch(/^convotest: runs\/forged\.jsonl:\d+: line \d+ \(the summary\): the signature does not match .*; not merged/);
  }, 60_000);

  it('refuses shards whose golden-set, config or grader hashes or tool version differ, naming what and which files', async () => {
    const cases: Array<[string, (h: Record<string, unknown>) => Record<string, unknown>, RegExp]> = [
      ['golden', (h) => ({ ...h, hashes: { ...(h['hashes'] as object), goldenSets: { 'cases.jsonl': 'f'.repeat(64) } } }), /shards differ in golden-set hashes: cases\.jsonl is [0-9a-f]{12}… in runs\/shard-1\.jsonl, ffffffffffff… in runs\/other-golden\.jsonl/],
      ['config', (h) => ({ ...h, hashes: { ...(h['hashes'] as object), config: 'e'.repeat(64) } }), /shards differ in config hash: [0-9a-f]{12}… in runs\/shard-1\.jsonl, eeeeeeeeeeee… in runs\/other-config\.jsonl/],
      ['graders', (h) => ({ ...h, hashes: { ...(h['hashes'] as object), graders: { 'mentions-shipping': 'd'.repeat(64) } } }), /shards differ in grader hashes: mentions-shipping is [0-9a-f]{12}… in runs\/shard-1\.jsonl, dddddddddddd… in runs\/other-graders\.jsonl/],
      ['tool', (h) => ({ ...h, tool: { name: 'convotest', version: '0.0.1-other' } }), /shards differ in tool version: [^ ]+ in runs\/shard-1\.jsonl, 0\.0\.1-other in runs\/other-tool\.jsonl/],
    ];
    for (const [name, edit, message] of cases) {
      const file = `runs/other-${name}.jsonl`;
      await rechain(shardPaths[1]!, file, (v, i) => (i === 0 ? edit(v) : v), KEY);
      const out = await cli(['merge', shardPaths[0]!, file, shardPaths[2]!, shardPaths[3]!, '--out', `runs/m-${name}.jsonl`]);
      expect(out.code, name).toBe(2);
      expect(out.stderr, name).toMatch(message);
      expect(out.stderr.trim().split('\n'), name).toHaveLength(1);
    }
  }, 120_000);

  it('names the cases on two shards', async () => {
    await copyFile(join(dir, shardPaths[0]!), join(dir, 'runs/shard-1-again.jsonl'));
    const out = await cli(['merge', ...shardPaths, 'runs/shard-1-again.jsonl', '--out', 'runs/m-overlap.jsonl']);
    expect(out.code).toBe(2);
    const one = await readRunAll(join(dir, shardPaths[0]!));
    const ids = [...new Set(one.results.map((r) => r.caseId))].sort();
    expect(out.stderr).toContain(`convotest: runs/shard-1-again.jsonl  ${ids.length} case${ids.length === 1 ? '' : 's'} on two shards (${ids.slice(0, 5).join(', ')}`);
    expect(out.stderr).toContain('in runs/shard-1.jsonl and in runs/shard-1-again.jsonl; each case must be on one shard');
  }, 60_000);

  it('names a missing shard and its cases, read from the golden set', async () => {
    const out = await cli(['merge', shardPaths[0]!, shardPaths[1]!, shardPaths[3]!, '--out', 'runs/m-gap.jsonl']);
    expect(out.code).toBe(2);
    const three = await readRunAll(join(dir, shardPaths[2]!));
    const ids = [...new Set(three.results.map((r) => r.caseId))].sort();
    const shown = ids.slice(0, 10).join(', ');
    expect(out.stderr).toBe(
      `convotest: shard 3/4 missing (4 shards, 3 given); ${ids.length} case${ids.length === 1 ? '' : 's'} on no shard: ${shown}${ids.length > 10 ? `, and ${ids.length - 10} more` : ''}\n`,
    );
    expect(await readFile(join(dir, 'runs/m-gap.jsonl')).catch(() => 'absent')).toBe('absent');
  }, 60_000);

  it('refuses a record that is not a shard', async () => {
    const out = await cli(['merge', 'runs/full.jsonl', '--out', 'runs/m-full.jsonl']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('convotest: runs/full.jsonl:1  not a shard record (its header has no selection.shard): merge joins records written by `convotest run --shard i/n`\n');
  }, 60_000);

  it('run --shard with a bad value exits 2 with one line', async () => {
    const values = ['0/4', '5/4', '2/0', 'two/4', '2-4'];
    const outs = await Promise.all(values.map((value) => cli(['run', ...quiet, '--cache-only', '--shard', value, '--out', 'runs/bad-shard.jsonl'])));
    expect(outs.map((o) => [o.code, o.stderr])).toEqual(values.map((value) => [2, `convotest: --shard "${value}": expected i/n with 1 ≤ i ≤ n (whole numbers), e.g. --shard 2/4\n`]));
  }, 240_000);
});
