import { existsSync } from 'node:fs';
import path from 'node:path';
import { recordedTranscript } from '../runner/plan.js';
import { gradeConversation, gradersFor } from '../runner/grade-conversation.js';
import { type PreparedGrading, prepareGrading } from '../runner/prepare.js';
import type { Grade } from '../schema/grade.js';
import type { TranscriptMessage } from '../schema/run-record.js';
import type { AssertConfig } from './promptfoo/export.js';

/**
 * A promptfoo `javascript` assertion that grades with convotest: `convotest export promptfoo`
 * points every exported test at this module (shipped as `convotest/promptfoo-assert`,
 * `dist/interop/promptfoo-assert.js`). promptfoo calls it with the reply and a context whose
 * `config` (an {@link AssertConfig}) names the convotest project and case; it loads the
 * project's config, golden sets and grader definitions (once per promptfoo process), rebuilds
 * the conversation (the earlier turns from promptfoo's `_conversation`, then this reply; or the
 * case's recorded transcript), runs the graders a convotest run applies to the case, and returns
 * promptfoo's GradingResult: pass when every grade passes, score = mean grade score, one
 * component result and one named score per grader. A grader error cannot be an error in
 * promptfoo (assertions only pass or fail): it fails the assertion with `error: <cause>`.
 *
 * @example
 * # promptfooconfig.yaml (written by convotest export promptfoo)
 * assert:
 *   - type: javascript
 *     value: file://node_modules/convotest/dist/interop/promptfoo-assert.js
 *     config: { project: ., case: refund-window }
 */

/** The parts of promptfoo's assertion context this module reads. */
export interface PromptfooAssertContext {
  vars?: Record<string, unknown>;
  config?: Partial<AssertConfig>;
}

/** promptfoo's GradingResult. */
export interface PromptfooGradingResult {
  pass: boolean;
  score: number;
  reason: string;
  namedScores?: Record<string, number>;
  componentResults?: Array<{ pass: boolean; score: number; reason: string }>;
}

const projects = new Map<string, Promise<PreparedGrading>>();

/** The convotest project named by the assertion, loaded once per (folder, config) in this process. */
function project(config: Partial<AssertConfig>): Promise<PreparedGrading> {
  const dir = path.resolve(config.project ?? '.');
  const key = `${dir}\0${config.config ?? ''}`;
  let loaded = projects.get(key);
  if (!loaded) {
    if (config.config !== undefined && !existsSync(path.resolve(dir, config.config))) {
      throw new Error(`convotest config ${path.join(config.project ?? '.', config.config)} not found from ${process.cwd()}: run promptfoo eval in the folder where convotest export wrote the promptfoo config`);
    }
    loaded = prepareGrading({ cwd: dir, env: process.env, ...(config.config !== undefined ? { configPath: path.resolve(dir, config.config) } : {}) });
    projects.set(key, loaded);
  }
  return loaded;
}

/** The conversation promptfoo had: `_conversation` ({ input, output } per earlier turn), then this turn. */
function replayedTranscript(vars: Record<string, unknown>, output: string): TranscriptMessage[] {
  const earlier = Array.isArray(vars['_conversation']) ? (vars['_conversation'] as Array<{ input?: unknown; output?: unknown }>) : [];
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));
  const transcript: TranscriptMessage[] = [];
  earlier.forEach((t, turn) => {
    transcript.push({ role: 'user', content: text(t.input), scripted: true, turn });
    transcript.push({ role: 'assistant', content: text(t.output), turn });
  });
  transcript.push({ role: 'user', content: text(vars['message']), scripted: true, turn: earlier.length });
  transcript.push({ role: 'assistant', content: output, turn: earlier.length });
  return transcript;
}

function component(g: Grade): { pass: boolean; score: number; reason: string } {
  if (g.error) return { pass: false, score: 0, reason: `${g.grader}: error: ${g.error.message}` };
  return { pass: g.pass === true, score: g.score ?? 0, reason: `${g.grader}: ${g.reason ?? (g.pass ? 'pass' : 'fail')}` };
}

/** The assertion promptfoo calls: (output, context) → GradingResult. */
export default async function convotestAssert(output: unknown, context: PromptfooAssertContext): Promise<PromptfooGradingResult> {
  const config = context.config ?? {};
  if (typeof config.case !== 'string') throw new Error('convotest assertion: config.case (the case id) is missing; re-run convotest export promptfoo');
  const grading = await project(config);
  const testCase = grading.cases.find((c) => c.id === config.case);
  if (!testCase) throw new Error(`convotest assertion: no case "${config.case}" in the golden sets of ${config.project ?? '.'}`);
  const text = typeof output === 'string' ? output : JSON.stringify(output);
  const transcript = config.recorded ? recordedTranscript(testCase) : replayedTranscript(context.vars ?? {}, text);
  const graders = gradersFor(testCase, grading.graders, grading.defaultGraders);
  const { grades } = await gradeConversation(testCase, transcript, graders, { variant: 'promptfoo', signal: new AbortController().signal, priceJudge: () => null });
  const components = grades.map(component);
  const scored = grades.filter((g) => !g.error && typeof g.score === 'number');
  const failed = components.filter((c) => !c.pass);
  return {
    pass: failed.length === 0,
    score: scored.length === 0 ? 1 : scored.reduce((s, g) => s + (g.score ?? 0), 0) / scored.length,
    reason: grades.length === 0 ? 'no convotest grader applies to this case' : failed.length === 0 ? `${grades.length} convotest graders passed` : failed.map((c) => c.reason).join('; '),
    namedScores: Object.fromEntries(scored.map((g) => [g.grader, g.score ?? 0])),
    componentResults: components,
  };
}
