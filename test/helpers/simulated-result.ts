import { createHash } from 'node:crypto';
import type { SimulationEnd, TranscriptMessage } from '../../src/schema/run-record.js';
import { type SyntheticOptions, type SyntheticResult, syntheticResult } from './synthetic-run.js';

/** What the simulated customer of {@link simulatedResult} wanted and how its conversation ended. */
export interface SimulatedShape {
  goal: string;
  persona?: string;
  language?: string;
  endReason: SimulationEnd;
  /** Customer messages (each followed by an agent reply). */
  turns: number;
  costUsd?: number | null;
}

/**
 * A result of a simulated-customer conversation, as the runner records it (mode `simulated`,
 * `simulation` filled in, customer messages `simulated: true`), built on a synthetic result's
 * grades and costs so the report reads it like any other.
 */
export function simulatedResult(options: SyntheticOptions, index: number, variant: string, shape: SimulatedShape): SyntheticResult {
  const base = syntheticResult(options, index, variant);
  const transcript: TranscriptMessage[] = [];
  for (let t = 0; t < shape.turns; t++) {
    transcript.push({ role: 'user', content: t === 0 ? `Hi, ${shape.goal.toLowerCase()}` : `Customer message ${t + 1}.`, simulated: true, turn: t });
    const last = t === shape.turns - 1;
    transcript.push({
      role: 'assistant',
      content: last && shape.endReason === 'escalation' ? 'I am passing you to a colleague now.' : `Agent reply ${t + 1}.`,
      usage: { input: 200 + 40 * t, output: 30, cached: 0 },
      latencyMs: 600,
      costUsd: 0.0001,
      turn: t,
    });
  }
  const content = transcript.map((m) => [m.role, m.content, m.tool_calls]);
  return {
    ...base,
    caseId: `sim-${String(index).padStart(3, '0')}`,
    mode: 'simulated',
    simulation: {
      goal: shape.goal,
      ...(shape.persona !== undefined ? { persona: shape.persona } : {}),
      ...(shape.language !== undefined ? { language: shape.language } : {}),
      simulator: 'openai:gpt-4o-mini',
      turns: shape.turns,
      endReason: shape.endReason,
      usage: { input: 300 * shape.turns, output: 25 * shape.turns, cached: 0 },
      costUsd: shape.costUsd === undefined ? 0.00012 * shape.turns : shape.costUsd,
    },
    transcript,
    transcriptHash: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
    grades: base.grades.map((g) => {
      const { turns: _turns, evidence: _evidence, ...rest } = g;
      return rest;
    }),
  };
}
