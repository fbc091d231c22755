import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'convotest-gate-cli-'));

function writeRun(name: string, failing: (i: number) => boolean): string {
  const lines = [JSON.stringify(syntheticHeader(name))];
  for (let i = 0; i < 120; i++) {
    const intent = i % 3 === 0 ? 'refund' : 'billing';
    lines.push(
      JSON.stringify(
        syntheticResult({ caseId: `c${i}`, tags: { intent }, grades: [{ score: failing(i) ? 0.1 : 0.9, reason: failing(i) ? `promised a refund it cannot give <${i}>` : 'ok' }] }),
      ),
    );
  }
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let base = '';
let same = '';
let worse = '';
beforeAll(() => {
  base = writeRun('base', (i) => i % 10 === 0);
  same = writeRun('same', (i) => i % 10 === 0);
  // A planted regression in the refund slice: 18 more refund cases fail (30 of 120 in all).
  worse = writeRun('worse', (i) => i % 10 === 0 || (i % 3 === 0 && i < 60));
});

describe('convotest gate (end to end)', { timeout: 120_000 }, () => {
  it('an unchanged candidate passes with exit 0', () => {
    const r = cli(['gate', '--baseline', base, '--candidate', same]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^gate PASS {2}base → same {2}120 shared cases/);
  });

  it('a regressed slice fails with exit 1; the Markdown names the slice and the flipped cases', () => {
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, 'gate:\n  slices: [intent]\n');
    const out = join(dir, 'gate.md');
    const summary = join(dir, 'step-summary.md');
    const r = cli(['gate', '--baseline', base, '--candidate', worse, '--rules', rules, '--format', 'markdown', '--out', out], {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('gate: fail');
    expect(r.stdout).toMatch(/^::error title=convotest gate fail::score \[intent=refund\]/m);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('## ❌ convotest gate: **FAIL**');
    expect(md).toContain('| score | intent=refund |');
    expect(md).toContain('`c3`');
    expect(md).toContain('promised a refund it cannot give &lt;3&gt;');
    expect(readFileSync(summary, 'utf8')).toBe(md);
  });

  it('writes JUnit and JSON', () => {
    const junit = cli(['gate', '--baseline', base, '--candidate', worse, '--format', 'junit']);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('  <testsuite name="main" tests="120" failures="30" errors="0">');
    const json = cli(['gate', '--baseline', base, '--candidate', worse, '--format', 'json']);
    const verdict = JSON.parse(json.stdout.replace(/gate: fail\n$/, ''));
    expect(verdict).toMatchObject({ format: 'convotest.verdict/1', verdict: 'fail', pairing: { shared: 120 } });
  });

  it('bad input exits 2 with one line', () => {
    const missing = cli(['gate', '--baseline', join(dir, 'nope.jsonl'), '--candidate', same]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const notRun = join(dir, 'not-a-run.jsonl');
    writeFileSync(notRun, '{"hello": 1}\n');
    const bad = cli(['gate', '--baseline', notRun, '--candidate', same]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a convotest run record');
  });

  it('a rule that names nothing exits 2 with one line: file, line, field and the nearest name', () => {
    const rules = join(dir, 'typo.yaml');
    writeFileSync(rules, 'gate:\n  floors:\n    - metric: qualty.passRate\n      min: 1\n');
    const r = cli(['gate', '--baseline', base, '--candidate', same, '--rules', rules]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${rules}:3  gate.floors[0].metric  rule "floor qualty.passRate ≥ 1" names an unknown grader "qualty" (did you mean "quality"?)`);
    const slice = join(dir, 'slice-typo.yaml');
    writeFileSync(slice, 'slices: [intnt]\n');
    const s2 = cli(['gate', '--baseline', base, '--candidate', same, '--rules', slice]);
    expect(s2.code).toBe(2);
    expect(s2.stderr).toContain('names an unknown slice key "intnt" (did you mean "intent"?)');
    const variant = cli(['gate', '--baseline', base, '--candidate', same, '--variant', 'mains']);
    expect(variant.code).toBe(2);
    expect(variant.stderr).toContain('--variant  no variant "mains" in either run (did you mean "main"?)');
  });

  it('a candidate cut mid-line is inconclusive, names the missing cases and says it was cut', () => {
    const text = readFileSync(same, 'utf8');
    const lines = text.trimEnd().split('\n');
    const cut = join(dir, 'cut.jsonl');
    // 100 of 120 results, then half of the 101st line.
    writeFileSync(cut, `${lines.slice(0, 101).join('\n')}\n${lines[101]!.slice(0, 40)}`);
    const r = cli(['gate', '--baseline', base, '--candidate', cut]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^gate INCONCLUSIVE/);
    expect(r.stdout).toContain('20 baseline case(s) missing from the candidate (the candidate record was cut mid-line): c100, c101');
    expect(r.stdout).toContain(`warning: candidate ${cut} was cut mid-line at line 102: read up to line 101 (100 results)`);
    const allowed = cli(['gate', '--baseline', base, '--candidate', cut, '--allow-missing-cases']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('was cut mid-line');
  });

  it('a duplicated line and a header-only candidate are reported', () => {
    const lines = readFileSync(same, 'utf8').trimEnd().split('\n');
    const dup = join(dir, 'dup.jsonl');
    writeFileSync(dup, `${[...lines.slice(0, 6), lines[5]!, ...lines.slice(6)].join('\n')}\n`);
    const r = cli(['gate', '--baseline', base, '--candidate', dup]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`warning: candidate ${dup} repeats 1 result line(s) verbatim, counted once: line 7 = line 6 (case c4, variant main, repeat 0)`);
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, `${lines[0]}\n`);
    const e = cli(['gate', '--baseline', base, '--candidate', empty]);
    expect(e.code).toBe(1);
    expect(e.stdout).toMatch(/^gate INCONCLUSIVE/);
    expect(e.stdout).toContain('holds a header and no result (header-only record)');
    const compared = cli(['compare', base, empty]);
    expect(compared.stderr).toContain('holds a header and no result (header-only record)');
  });
});

