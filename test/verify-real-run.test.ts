import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { syntheticProject } from './helpers/golden.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({ log: false });

describe('a real run: redacted, signed, verified, reported', () => {
  it('stores no PII, verifies with its key, and catches an edit', async () => {
    const dir = await syntheticProject({
      cases: 4,
      turns: 2,
      baseURL: llm.openaiBaseURL,
      html: true,
      extraConfig: 'cache: false\nsigningKeyEnv: AUDIT_KEY\nredaction:\n  enabled: true\n',
    });
    llm.setScript([{ reply: { text: 'Write to ana.lopez@example.com or call +34 612 345 678; card 4111 1111 1111 1111 is on file.' } }]);
    const env = { OPENAI_API_KEY: 'test-key', AUDIT_KEY: 'audit-secret' };
    const run = await runCli(['run', '--progress', 'none', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const record = await readFile(join(dir, 'runs/r.jsonl'), 'utf8');
    expect(record).not.toContain('ana.lopez@example.com');
    expect(record).not.toContain('612 345 678');
    expect(record).toContain('Write to [EMAIL_1] or call [PHONE_1]; card [CARD_1] is on file.');
    expect(record).not.toContain('audit-secret');
    const html = await readFile(join(dir, 'runs/r.html'), 'utf8');
    expect(html).not.toContain('ana.lopez@example.com');

    const ok = await runCli(['verify', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK {2}runs\/r\.jsonl {2}\d+ lines, digest [0-9a-f]{64}, signature valid\n$/);
    const wrongKey = await runCli(['verify', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env: { AUDIT_KEY: 'guess' } });
    expect(wrongKey.code).toBe(1);

    await writeFile(join(dir, 'runs/r.jsonl'), record.replace('[EMAIL_1] or call', '[EMAIL_1] or mail'));
    const tampered = await runCli(['verify', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true, env });
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/^TAMPERED {2}runs\/r\.jsonl {2}line 2 was altered/);
  }, 180_000);
});
