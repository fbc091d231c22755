import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';
import { gate, gateRun } from '../src/core/gate.js';
import { gateConsole } from '../src/report/console-gate.js';
import { FORMAT_NAMES, FORMATS } from '../src/report/formats.js';
import { gateJson } from '../src/report/json.js';
import { gateMarkdown } from '../src/report/markdown-gate.js';
import { GateRulesSchema } from '../src/schema/gate.js';
import { runCli } from './helpers/cli.js';
import { writeSyntheticRun } from './helpers/synthetic-run.js';

const results = (failing: number[]) => Array.from({ length: 12 }, (_, i) => syntheticResult({ caseId: `c${i}`, grades: [{ score: failing.includes(i) ? 0 : 1 }] }));

describe('one registry of text formats for gate and report (issue 14 item 17)', () => {
  const cand = gateRun(syntheticHeader('cand'), results([0, 1]));
  const verdict = gate(gateRun(syntheticHeader('base'), results([])), cand, GateRulesSchema.parse({}));

  it('renders a verdict in every format through the same formatters', () => {
    expect(FORMAT_NAMES).toEqual(['console', 'markdown', 'json', 'junit', 'github']);
    const input = { verdict, records: () => cand.records.values() };
    expect(FORMATS.console(input)).toBe(gateConsole(verdict));
    expect(FORMATS.markdown(input)).toBe(gateMarkdown(verdict));
    expect(FORMATS.json(input)).toBe(gateJson(verdict));
    expect(FORMATS.junit(input)).toContain('<testsuite name="convotest.gate"');
    expect(FORMATS.github(input)).toMatch(/^(::warning|## )/);
  });

  it('report --format markdown works without a baseline (the run summary) and with one (verdict, then summary)', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-formats-'));
    const r1 = join(dir, 'r1.jsonl');
    const r2 = join(dir, 'r2.jsonl');
    await writeSyntheticRun(r1, { cases: 10, variants: ['main'], runId: 'r1' });
    await writeSyntheticRun(r2, { cases: 10, variants: ['main'], runId: 'r2', seed: 2 });
    const alone = await runCli(['report', r2, '--format', 'markdown']);
    expect(alone.stderr).toBe('');
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/^## convotest run `r2`/);
    const withBase = await runCli(['report', r2, '--baseline', r1, '--format', 'markdown']);
    expect(withBase.code).toBe(0);
    expect(withBase.stdout).toMatch(/^## .* convotest gate: \*\*/);
    expect(withBase.stdout).toContain('## convotest run `r2`');
  });
});
