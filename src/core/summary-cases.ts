import type { RunResult } from '../schema/run-record.js';
import { type CostFacts, emptyCostFacts, emptyKpiTally, type KpiTally, tallyCost, tallyKpis } from './kpis.js';
import { sliceName, slicesOf } from './slices.js';

/**
 * The additive facts of one (case, variant) over its repeats, in this order: KPI tallies, cost
 * facts, then the case's own counts. Each case holds one block of {@link FACTS} numbers in
 * {@link SummaryCases.facts}; a group's facts are the sum of its cases' blocks, added in case id
 * order (so sums of prices and scores are the same to the last bit whatever order results came in).
 */
const KPI_FIELDS = [
  'conversations',
  'resolutionGraded',
  'resolved',
  'firstContactResolved',
  'escalationGraded',
  'escalated',
  'fallbackTurns',
  'fallbacks',
  'goalGraded',
  'goalCompleted',
  'turnsToResolutionSum',
  'turnsToResolutionN',
  'assistantTurns',
  'csatSum',
  'csatN',
] as const satisfies ReadonlyArray<Exclude<keyof KpiTally, 'sentiment'>>;
const COST_FIELDS = [
  'results',
  'simulated',
  'simulatorTokens',
  'simulatorCostUsd',
  'simulatorUnpriced',
  'inputTokens',
  'outputTokens',
  'judgeInputTokens',
  'judgeOutputTokens',
  'costUsd',
  'judgeCostUsd',
  'unpriced',
  'judgeUnpriced',
] as const satisfies ReadonlyArray<keyof CostFacts>;

const COST_AT = KPI_FIELDS.length;
/** Offsets of the case's own counts in a block. */
export const AT = {
  repeats: COST_AT + COST_FIELDS.length,
  resultErrors: COST_AT + COST_FIELDS.length + 1,
  /** Sum and count of the per-repeat overall scores (mean of a result's grade scores). */
  overallSum: COST_AT + COST_FIELDS.length + 2,
  overallN: COST_AT + COST_FIELDS.length + 3,
  /** Repeats whose every verdict passed, and repeats with at least one verdict. */
  passed: COST_AT + COST_FIELDS.length + 4,
  verdicts: COST_AT + COST_FIELDS.length + 5,
} as const;
export const FACTS = AT.verdicts + 1;

/** Per grader of a case, {@link GRADER_STRIDE} numbers: grader id, kind id, score sum, scores, passes, verdicts, errors. */
export const GRADER_STRIDE = 7;
export const G = { id: 0, kind: 1, scoreSum: 2, scores: 3, passed: 4, verdicts: 5, errors: 6 } as const;

/**
 * What the summary keeps per (case, variant), as columns indexed by the case's slot: the case id,
 * the variant, the groups it falls in (its variant's slices), a block of additive facts, its
 * graders' tallies (in the order the case first met them) and sentiment labels. Turn latencies go
 * straight to each group (their quantiles do not depend on order). Names (variants, slices,
 * graders, kinds, labels) are interned: a case holds numbers only, about 0.4 KB at 3 graders.
 */
export interface SummaryCases {
  /** Slot per variant, per case id (slots are numbered in first-seen order). */
  readonly slots: Map<string, Map<string, number>>;
  readonly caseIds: string[];
  /** Variant id per slot (index into `variants`). */
  readonly variantOf: number[];
  /** Slice-group ids per slot (index into `slices`). */
  readonly slicesOf: number[][];
  /** FACTS numbers per slot. */
  facts: Float64Array;
  /** GRADER_STRIDE numbers per grader per slot. */
  readonly graders: number[][];
  /** [label id, count, …] per slot with a sentiment label. */
  readonly sentiment: Array<number[] | undefined>;
  readonly variants: Names;
  /** One per (variant, slice): `variant`, `key`, `value`, `name`. */
  readonly slices: Array<{ variant: number; key: string; value: string; name: string }>;
  readonly graderNames: Names;
  readonly kinds: Names;
  readonly labels: Names;
  /** Turn latencies per variant id, and per slice-group id. */
  readonly variantLatencies: Latencies[];
  readonly sliceLatencies: Latencies[];
  add(result: RunResult): void;
}

/** Interned strings: id → name and name → id. */
export interface Names {
  readonly list: string[];
  id(name: string): number;
}

function names(): Names {
  const list: string[] = [];
  const ids = new Map<string, number>();
  return {
    list,
    id(name) {
      let id = ids.get(name);
      if (id === undefined) {
        id = list.length;
        list.push(name);
        ids.set(name, id);
      }
      return id;
    },
  };
}

/** A growable list of numbers in a Float64Array. */
export class Latencies {
  values = new Float64Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }
  /** The values pushed (a view, not a copy). */
  view(): Float64Array {
    return this.values.subarray(0, this.length);
  }
}

/**
 * @example const cases = createSummaryCases(['intent']); for (const r of results) cases.add(r);
 */
export function createSummaryCases(sliceKeys?: readonly string[]): SummaryCases {
  const slots = new Map<string, Map<string, number>>();
  const sliceIds = new Map<string, number>();
  const kpi = emptyKpiTally();
  const cost = emptyCostFacts();
  const cases: SummaryCases = {
    slots,
    caseIds: [],
    variantOf: [],
    slicesOf: [],
    facts: new Float64Array(FACTS * 256),
    graders: [],
    sentiment: [],
    variants: names(),
    slices: [],
    graderNames: names(),
    kinds: names(),
    labels: names(),
    variantLatencies: [],
    sliceLatencies: [],
    add(result) {
      const slot = slotOf(result);
      const facts = cases.facts;
      const at = slot * FACTS;
      // The KPI and cost facts of this one result, added to the case's block (same additions, in
      // the same order, as summing per-case tallies).
      resetTallies(kpi, cost);
      tallyCost(cost, result);
      for (let f = 0; f < COST_FIELDS.length; f++) facts[at + COST_AT + f]! += cost[COST_FIELDS[f]!];
      facts[at + AT.repeats]!++;
      const variantLatencies = cases.variantLatencies[cases.variantOf[slot]!]!;
      const groups = cases.slicesOf[slot]!;
      for (const m of result.transcript) {
        if (m.role !== 'assistant' || m.scripted || typeof m.latencyMs !== 'number') continue;
        variantLatencies.push(m.latencyMs);
        for (const g of groups) cases.sliceLatencies[g]!.push(m.latencyMs);
      }
      if (result.error) {
        facts[at + AT.resultErrors]!++;
        return;
      }
      tallyKpis(kpi, result);
      for (let f = 0; f < KPI_FIELDS.length; f++) facts[at + f]! += kpi[KPI_FIELDS[f]!];
      for (const label in kpi.sentiment) addLabel(slot, cases.labels.id(label));
      addGrades(slot, result);
    },
  };

  function slotOf(result: RunResult): number {
    let ofVariant = slots.get(result.variant);
    if (!ofVariant) {
      ofVariant = new Map();
      slots.set(result.variant, ofVariant);
    }
    let slot = ofVariant.get(result.caseId);
    if (slot !== undefined) return slot;
    slot = cases.caseIds.length;
    ofVariant.set(result.caseId, slot);
    cases.caseIds.push(result.caseId);
    const variant = cases.variants.id(result.variant);
    cases.variantOf.push(variant);
    if (variant === cases.variantLatencies.length) cases.variantLatencies.push(new Latencies());
    const groups: number[] = [];
    for (const s of slicesOf(result.tags, sliceKeys)) {
      const name = sliceName(s);
      const key = `${variant}\u0000${name}`;
      let id = sliceIds.get(key);
      if (id === undefined) {
        id = cases.slices.length;
        sliceIds.set(key, id);
        cases.slices.push({ variant, key: s.key, value: s.value, name });
        cases.sliceLatencies.push(new Latencies());
      }
      // A tag value listed twice puts the case in that slice twice, as slicesOf says.
      groups.push(id);
    }
    cases.slicesOf.push(groups);
    cases.graders.push([]);
    cases.sentiment.push(undefined);
    if ((slot + 1) * FACTS > cases.facts.length) {
      const grown = new Float64Array(cases.facts.length * 2);
      grown.set(cases.facts);
      cases.facts = grown;
    }
    return slot;
  }

  function addLabel(slot: number, label: number): void {
    const list = (cases.sentiment[slot] ??= []);
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === label) {
        list[i + 1]!++;
        return;
      }
    }
    list.push(label, 1);
  }

  function addGrades(slot: number, result: RunResult): void {
    const tallies = cases.graders[slot]!;
    const at = slot * FACTS;
    let scoreSum = 0;
    let scoreN = 0;
    let verdicts = 0;
    let allPass = true;
    for (const grade of result.grades) {
      const id = cases.graderNames.id(grade.grader);
      let t = 0;
      while (t < tallies.length && tallies[t + G.id] !== id) t += GRADER_STRIDE;
      if (t === tallies.length) tallies.push(id, cases.kinds.id(grade.kind), 0, 0, 0, 0, 0);
      if (grade.error || (grade.score === null && grade.pass === null)) {
        tallies[t + G.errors]!++;
        continue;
      }
      if (grade.score !== null) {
        tallies[t + G.scoreSum]! += grade.score;
        tallies[t + G.scores]!++;
        scoreSum += grade.score;
        scoreN++;
      }
      if (grade.pass !== null) {
        tallies[t + G.verdicts]!++;
        if (grade.pass) tallies[t + G.passed]!++;
        verdicts++;
        if (!grade.pass) allPass = false;
      }
    }
    if (scoreN > 0) {
      cases.facts[at + AT.overallSum]! += scoreSum / scoreN;
      cases.facts[at + AT.overallN]!++;
    }
    if (verdicts > 0) {
      cases.facts[at + AT.verdicts]!++;
      if (allPass) cases.facts[at + AT.passed]!++;
    }
  }

  return cases;
}

function resetTallies(kpi: KpiTally, cost: CostFacts): void {
  for (const f of KPI_FIELDS) kpi[f] = 0;
  for (const label in kpi.sentiment) delete kpi.sentiment[label];
  for (const f of COST_FIELDS) cost[f] = 0;
}

/** The KPI tally and cost facts of a group from its summed block (sentiment counted apart). */
export function talliesOf(block: Float64Array, sentiment: Record<string, number>): { kpi: KpiTally; cost: CostFacts } {
  const kpi = emptyKpiTally();
  const cost = emptyCostFacts();
  for (let f = 0; f < KPI_FIELDS.length; f++) kpi[KPI_FIELDS[f]!] = block[f]!;
  for (let f = 0; f < COST_FIELDS.length; f++) cost[COST_FIELDS[f]!] = block[COST_AT + f]!;
  kpi.sentiment = sentiment;
  return { kpi, cost };
}
