import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/core/redact.js';
import { compileLinear, compileLinearOnly, compileRegex, hasNestedQuantifier } from '../src/core/regex.js';
import { compileUserPattern } from '../src/io/regex.js';
import { chat, graderOf, run } from './grading-helpers.js';
import { runCli, spawnCli } from './helpers/cli.js';

// `(a+)+$` against 40 `a`s and a `!`: about 2^40 steps for a backtracking engine (issue 15).
const EVIL = '(a+)+$';
const REPLY = `${'a'.repeat(40)}!`;

const timed = <T>(f: () => T): { value: T; ms: number } => {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
};

describe('a catastrophic pattern finishes at once', () => {
  it('on the linear engine', () => {
    const c = compileLinear(EVIL);
    expect(c.ok).toBe(true);
    const { value, ms } = timed(() => (c.ok ? c.matcher.spans(REPLY) : null));
    expect(value).toEqual([]);
    expect(ms).toBeLessThan(1000);
  });

  it('through a grader definition (regex kind)', async () => {
    const grader = graderOf({ name: 'no-aaa', kind: 'regex', must_not_match: [EVIL] });
    const start = performance.now();
    const grade = await run(grader, chat('hi', REPLY));
    expect(performance.now() - start).toBeLessThan(1000);
    expect(grade).toMatchObject({ pass: true, score: 1 });
  });

  it('through redaction.custom', () => {
    const redactor = createRedactor({ kinds: [], custom: { aaa: EVIL } });
    const { value, ms } = timed(() => redactor.redactText(`${REPLY} ${'a'.repeat(5)}`));
    expect(value).toBe(`${REPLY} [AAA_1]`);
    expect(ms).toBeLessThan(1000);
  });

  it('end to end: a golden-set must_not_match, a grader definition and redaction.custom in one `convotest run`', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-redos-'));
    await mkdir(join(dir, 'golden-sets'));
    await mkdir(join(dir, 'graders'));
    await writeFile(
      join(dir, 'golden-sets/redos.yaml'),
      `cases:\n  - id: redos\n    transcript:\n      - { role: user, content: hi }\n      - { role: assistant, content: "${REPLY}" }\n    expect:\n      must_not_match: ['${EVIL}']\n`,
    );
    await writeFile(join(dir, 'graders/rules.yaml'), 'name: rules\nkind: rules\n');
    await writeFile(join(dir, 'graders/no-aaa.yaml'), `name: no-aaa\nkind: regex\nmust_not_match: ['${EVIL}']\n`);
    await writeFile(
      join(dir, 'convotest.config.yaml'),
      `goldenSets: [golden-sets]\ngraders: [graders]\ndefaultGraders: [rules, no-aaa]\nredaction:\n  enabled: true\n  kinds: []\n  custom: { aaa: '${EVIL}' }\n`,
    );
    // The old backtracking engine would run for hours: stop the child well before the test times out.
    const child = spawnCli(['run', '--progress', 'none', '--out', 'runs/r.jsonl'], { cwd: dir, cleanEnv: true });
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearTimeout(killer);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse((await readFile(join(dir, 'runs/r.jsonl'), 'utf8')).split('\n')[1]!) as {
      durationMs: number;
      grades: Array<{ grader: string; pass: boolean }>;
    };
    expect(result.grades.map((g) => [g.grader, g.pass]).sort()).toEqual([
      ['no-aaa', true],
      ['rules', true],
    ]);
    expect(result.durationMs).toBeLessThan(1000);
  }, 120_000);
});

describe('patterns RE2 cannot run go to a time-limited backtracking engine', () => {
  it('runs lookahead with JavaScript semantics', () => {
    const m = compileUserPattern('(?<![\\w-])\\d(?:[ -]?\\d){12,18}(?![\\w-])');
    expect(m.engine).toBe('backtracking');
    const text = 'card 4111 1111 1111 1111, ref 4111111111111111x';
    expect(m.spans(text).map(([s, e]) => text.slice(s, e))).toEqual(['4111 1111 1111 1111']);
  });

  it('stops a catastrophic one after the time limit, with an error naming field and pattern', () => {
    const pattern = '(x)\\1|(a+)+$'; // a backreference: no linear engine, no prefilter
    const m = compileUserPattern(pattern, { field: 'must_not_match', timeLimitMs: 300 });
    const start = performance.now();
    expect(() => m.spans(REPLY)).toThrow(
      'must_not_match pattern "(x)\\\\1|(a+)+$" took more than 300 ms on a 41-character text and was stopped (it uses a backreference',
    );
    expect(performance.now() - start).toBeLessThan(5000);
    // A fresh worker takes over for the next text.
    expect(m.spans('xx aaa')).toEqual([
      [0, 2],
      [3, 6],
    ]);
  });

  it('is a grade error (never a fail) in a grader', async () => {
    const grader = graderOf({ name: 'slow', kind: 'regex', must_not_match: ['(x)\\1|(a+)+$'] });
    const grade = await run(grader, chat('hi', `${'a'.repeat(32)}!`));
    expect(grade.error?.message).toContain('must_not_match pattern "(x)\\\\1|(a+)+$" took more than 1000 ms');
    expect(grade.pass).toBeNull();
  }, 30_000);
});

describe('the linear engine keeps JavaScript meaning', () => {
  // Each pattern has an unbounded quantifier, so it runs on RE2.
  it.each([
    ['refund\\s+policy', 'refund\u00a0policy', true],
    ['a.+b', 'a\rb', false],
    ['/a.+b/s', 'a\nb', true],
    ['(?i)RÉSUMÉ+', 'résumé', true],
    ['^ok+$', 'x\nok\ny', false],
    ['/^ok+$/m', 'x\nok\ny', true],
    ['[^\\s]+@x', 'ana\u202f@x', false],
    ['(?<=order )#\\d+', 'order #12', true],
    ['(?<!no )refund+', 'no refund', false],
  ])('%j on %j → %s', (pattern, text, found) => {
    const c = compileLinear(pattern);
    expect(c.ok && c.matcher.engine).toBe('linear');
    if (c.ok) expect(c.matcher.spans(text).length > 0).toBe(found);
    expect(compileRegex(pattern).test(text)).toBe(found); // the same answer as JavaScript's engine
  });

  it('gives the same spans as JavaScript, in UTF-16 indexes', () => {
    const text = 'Voilà 😀 order #12, #345 and #6';
    const c = compileLinear('#\\d+');
    expect(c.ok && c.matcher.spans(text)).toEqual([...text.matchAll(/#\d+/g)].map((m) => [m.index, m.index + m[0].length]));
  });

  it.each([['\\d+(?!px)', 'lookahead'], ['(a)\\1', 'a backreference'], ['(?<q>a)\\k<q>', 'a backreference'], ['/a/y', 'the y flag']])(
    '%j needs %s',
    (pattern, needs) => expect(compileLinear(pattern)).toMatchObject({ ok: false, needs }),
  );

  it('refuses what redaction.custom cannot run, saying why', () => {
    expect(() => compileLinearOnly('ORD-(\\d+')).toThrow('invalid regex "ORD-(\\\\d+": Invalid regular expression');
    expect(() => compileLinearOnly('ORD-\\d+(?!x)')).toThrow('uses lookahead, which this field does not support');
  });
});

describe('which engine a pattern gets', () => {
  it.each([
    ['\\b(?:thanks|thank you|cheers)\\b', 'bounded'], // a few short paths per position: JavaScript's engine, exact
    ['(?<!not )\\bguarantee(?:s|d)?\\b', 'bounded'],
    ['(?:a?){25}a{25}', 'linear'], // bounded quantifiers, yet 2^25 paths: RE2
    ['a{600}b{600}', 'linear'], // one path, but 1200 characters long
    ['refund.*policy', 'linear'], // unbounded: RE2
    ['\\d+(?!px)', 'backtracking'],
  ])('%j → %s', (pattern, engine) => expect(compileUserPattern(pattern).engine).toBe(engine));

  it('finishes the bounded-quantifier bomb at once too', () => {
    const { value, ms } = timed(() => compileUserPattern('^(?:a?){25}a{25}$').spans('a'.repeat(25)));
    expect(value).toEqual([[0, 25]]);
    expect(ms).toBeLessThan(1000);
  });
});

describe('hasNestedQuantifier', () => {
  it.each([
    ['(a+)+$', true],
    ['(?:\\d{1,3})*x', true],
    ['(a+){2,5}', true],
    ['((ab)*c)+', true],
    ['(?:[ .-]?\\(?\\d{1,4}\\)?){2,5}', false],
    ['\\d(?:[ -]?\\d){12,18}', false],
    ['(a|b)+', false],
    ['[(a+)]+', false],
    ['\\(a+\\)+', false],
  ])('%j → %s', (pattern, nested) => expect(hasNestedQuantifier(pattern)).toBe(nested));
});

describe('convotest validate', () => {
  it('warns (exit 0) about nested quantifiers in patterns that need the backtracking engine, naming file, line and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-redos-validate-'));
    await mkdir(join(dir, 'golden-sets'));
    await mkdir(join(dir, 'graders'));
    await writeFile(
      join(dir, 'golden-sets/cases.yaml'),
      "cases:\n  - id: c1\n    turns: [{ user: hi }]\n    expect:\n      must_not_match: ['(a+)+$', '(\\w+\\s?)*(?=x)']\n",
    );
    await writeFile(join(dir, 'graders/slow.yaml'), "name: slow\nkind: regex\nmust_not_match:\n  - label: x\n    pattern: '(a+)+(?!b)$'\n  - '\\d+(?!px)'\n");
    const r = await runCli(['validate', 'golden-sets', '--graders', 'graders'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const warning = 'has nested quantifiers and uses lookahead, so it runs on the backtracking engine: a long reply can take exponential time and is stopped after 1000 ms as a grade error';
    expect(r.stdout.split('\n')).toEqual([
      `golden-sets/cases.yaml:2  c1: expect.must_not_match[1]  warning: "(\\\\w+\\\\s?)*(?=x)" ${warning}`,
      `graders/slow.yaml:5:14  must_not_match[0].pattern  warning: "(a+)+(?!b)$" ${warning}`,
      'ok: 1 case in 1 file, 2 warnings',
      '',
    ]);
  }, 60_000);
});
