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
});
