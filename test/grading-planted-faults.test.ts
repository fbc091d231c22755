import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Grader } from '../src/grading/grader.js';
import { loadGraders } from '../src/grading/registry.js';
import { loadGoldenSets } from '../src/io/golden-sets.js';
import { loadGraderFiles } from '../src/io/grader-files.js';
import type { ResolvedCase } from '../src/schema/golden-set.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The grader meant to catch each planted fault of golden-sets/transcripts.yaml. */
const CATCHER = {
  'invented-price': 'grounding',
  'rude-reply': 'sentiment',
  'missed-escalation': 'escalation',
  'leaked-email': 'pii-leak',
} as const;
type Fault = keyof typeof CATCHER;

let cases: ResolvedCase[] = [];
const graders = new Map<string, Grader>();

beforeAll(async () => {
  const loaded = await loadGoldenSets(['golden-sets/transcripts.yaml'], { cwd: root });
  expect(loaded.problems).toEqual([]);
  cases = loaded.cases;
  const files = await loadGraderFiles(['graders'], { cwd: root });
  const deterministic = files.graders.filter((g) => Object.values(CATCHER).includes(g.definition['name'] as never));
  const result = loadGraders(deterministic, { cwd: root });
  expect(result.problems).toEqual([]);
  for (const g of result.graders) graders.set(g.name, g);
});

const faultOf = (c: ResolvedCase) => String(c.tags['fault'] ?? '');
const gradeWith = (name: string, c: ResolvedCase) =>
  graders.get(name)!.grade({
    case: c,
    transcript: (c.transcript ?? []).filter((m) => m.role !== 'system') as TranscriptMessage[],
    variant: 'recorded',
    signal: new AbortController().signal,
  });

describe('planted faults in golden-sets/transcripts.yaml', () => {
  it('has cases for every fault and clean ones', () => {
    const faults = new Set(cases.map(faultOf));
    for (const f of [...Object.keys(CATCHER), 'none']) expect(faults).toContain(f);
  });

  for (const fault of Object.keys(CATCHER) as Fault[]) {
    it(`${CATCHER[fault]} catches every ${fault} transcript, with evidence`, async () => {
      const faulty = cases.filter((c) => faultOf(c) === fault);
      expect(faulty.length).toBeGreaterThan(0);
      for (const c of faulty) {
        const grade = await gradeWith(CATCHER[fault], c);
        expect(grade.error, c.id).toBeUndefined();
        expect(grade.pass, `${c.id}: ${grade.reason}`).toBe(false);
        if (fault !== 'missed-escalation') expect(grade.evidence?.length ?? 0, c.id).toBeGreaterThan(0);
      }
    });

    it(`${CATCHER[fault]} passes every clean transcript`, async () => {
      for (const c of cases.filter((x) => faultOf(x) === 'none')) {
        const grade = await gradeWith(CATCHER[fault], c);
        expect(grade.pass, `${c.id}: ${grade.reason}`).toBe(true);
      }
    });
  }
});
