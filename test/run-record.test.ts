import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../src/io/hash-chain.js';
import { readRun, readRunAll } from '../src/io/run-reader.js';
import { createRunWriter } from '../src/io/run-writer.js';
import { RUN_FORMAT_VERSION, type RunHeader, type RunResult } from '../src/schema/run-record.js';

const header: Omit<RunHeader, 'type' | 'prev'> = {
  format: RUN_FORMAT_VERSION,
  runId: 'r1',
  tool: { name: 'convotest', version: '0.0.0' },
  startedAt: '2026-01-01T00:00:00.000Z',
  config: {},
  hashes: { config: 'c', goldenSets: { 'a.yaml': 'h' }, graders: {} },
  variants: [{ name: 'v', kind: 'baseline' }],
  graders: [],
  repeat: 1,
};

function result(i: number): Omit<RunResult, 'type' | 'prev'> {
  return {
    caseId: `case-${i}`,
    variant: 'v',
    repeat: 0,
    tags: { intent: 'refund' },
    mode: 'replay',
    transcript: [
      { role: 'user', content: 'hi', scripted: true, turn: 0 },
      { role: 'assistant', content: `reply ${i}`, latencyMs: 3, usage: { input: 5, output: 2, cached: 0 } },
    ],
    transcriptHash: 'x',
    usage: { input: 5, output: 2, cached: 0 },
    judgeUsage: { input: 0, output: 0, cached: 0 },
    costUsd: 0.001,
    judgeCostUsd: 0,
    latencyMs: 3,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 4,
    grades: [{ grader: 'g', kind: 'regex', scope: 'turn', score: 1, pass: true }],
  };
}

async function tempPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'convotest-record-')), 'run.jsonl');
}

describe('run record', () => {
  it('round-trips header, results and summary through writer and reader', async () => {
    const path = await tempPath();
    const writer = await createRunWriter(path, header);
    await Promise.all([0, 1, 2].map((i) => writer.writeResult(result(i))));
    await writer.finish({ status: 'complete', endedAt: '2026-01-01T00:00:01.000Z', results: 3, errors: 0 });

    const run = await readRunAll(path);
    expect(run.header).toMatchObject({ ...header, type: 'header' });
    expect(run.results.map((r) => r.caseId)).toEqual(['case-0', 'case-1', 'case-2']);
    expect(run.results[1]).toMatchObject(result(1));
    expect(run.status).toBe('complete');
    expect(run.warnings).toEqual([]);
  });

  it('chains every line to the previous one and ends with the digest', async () => {
    const path = await tempPath();
    const writer = await createRunWriter(path, header, { signingKey: 'k' });
    await writer.writeResult(result(0));
    await writer.finish({ status: 'complete', endedAt: 'now', results: 1, errors: 0 });
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(JSON.parse(lines[0]!).prev).toBe('0'.repeat(64));
    for (let i = 1; i < lines.length; i++) expect(JSON.parse(lines[i]!).prev).toBe(sha256(lines[i - 1]!));
    const summary = JSON.parse(lines.at(-1)!);
    expect(summary.digest).toBe(sha256(lines.at(-2)!));
    expect(summary.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads a record cut mid-line up to the last whole line, with a warning', async () => {
    const path = await tempPath();
    const writer = await createRunWriter(path, header);
    for (const i of [0, 1, 2]) await writer.writeResult(result(i));
    await writer.close();
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length - 40));

    const run = await readRunAll(path);
    expect(run.results.map((r) => r.caseId)).toEqual(['case-0', 'case-1']);
    expect(run.status).toBe('incomplete');
    expect(run.warnings).toEqual([expect.stringContaining(':4: last line is incomplete')]);
  });

  it('rejects an unknown major version with a clear message', async () => {
    const path = await tempPath();
    await writeFile(path, `${JSON.stringify({ ...header, type: 'header', format: 'convotest.run/2.0' })}\n`);
    await expect(readRun(path)).rejects.toThrow(/format convotest.run\/2.0 is not supported .* upgrade convotest/);
  });

  it('refuses to overwrite an existing record', async () => {
    const path = await tempPath();
    await writeFile(path, 'x');
    await expect(createRunWriter(path, header)).rejects.toThrow(/EEXIST/);
  });
});
