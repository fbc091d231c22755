import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunWriter } from '../src/io/run-writer.js';
import { verifyChain } from '../src/io/verify.js';
import { syntheticHeader, syntheticResult } from './helpers/synthetic-run.js';

const OPTIONS = { cases: 200, variants: ['baseline'] };

describe('the run writer under concurrent results', () => {
  it('chains lines in call order when many results arrive at once', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'convotest-batch-')), 'out.jsonl');
    const writer = await createRunWriter(path, syntheticHeader(OPTIONS));
    // Not awaited one by one, as the runner's concurrent cases finish.
    await Promise.all(Array.from({ length: OPTIONS.cases }, (_, i) => writer.writeResult(syntheticResult(OPTIONS, i, 'baseline'))));
    await writer.finish({ status: 'complete', endedAt: '2026-01-01T00:10:00.000Z', results: OPTIONS.cases, errors: 0 });
    const bytes = await readFile(path);
    expect(verifyChain(bytes, { kind: 'run' })).toMatchObject({ ok: true, lines: OPTIONS.cases + 2 });
    const ids = bytes.toString('utf8').trim().split('\n').slice(1, -1).map((l) => (JSON.parse(l) as { caseId: string }).caseId);
    expect(ids).toEqual(Array.from({ length: OPTIONS.cases }, (_, i) => syntheticResult(OPTIONS, i, 'baseline').caseId));
  });

  it('resolves a result only once its line is in the file (what a SIGKILL then leaves)', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'convotest-batch-')), 'out.jsonl');
    const writer = await createRunWriter(path, syntheticHeader(OPTIONS));
    const pending = Array.from({ length: 50 }, (_, i) => {
      const result = syntheticResult(OPTIONS, i, 'baseline');
      return writer.writeResult(result).then(() => {
        // Read synchronously, as a later process would after a kill at this moment.
        const onDisk = readFileSync(path, 'utf8');
        expect(onDisk.endsWith('\n')).toBe(true);
        expect(onDisk).toContain(`"caseId":${JSON.stringify(result.caseId)}`);
      });
    });
    await Promise.all(pending);
    await writer.close();
    expect(verifyChain(await readFile(path), { kind: 'run' })).toMatchObject({ lines: 51 });
  });

  it('writes a result as the bytes of { prev, type, ...result }', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'convotest-batch-')), 'out.jsonl');
    const writer = await createRunWriter(path, syntheticHeader(OPTIONS));
    const results = [syntheticResult(OPTIONS, 0, 'baseline'), { ...syntheticResult(OPTIONS, 1, 'baseline'), error: undefined, note: 'ü "quoted"' }];
    for (const result of results) await writer.writeResult(result);
    await writer.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    for (const [i, result] of results.entries()) {
      const { prev } = JSON.parse(lines[i + 1]!) as { prev: string };
      expect(lines[i + 1]).toBe(JSON.stringify({ prev, type: 'result', ...result }));
    }
  });

  it('rejects results once the record is closed', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'convotest-batch-')), 'out.jsonl');
    const writer = await createRunWriter(path, syntheticHeader(OPTIONS));
    await writer.close();
    await expect(writer.writeResult(syntheticResult(OPTIONS, 0, 'baseline'))).rejects.toThrow(/is closed/);
  });
});
