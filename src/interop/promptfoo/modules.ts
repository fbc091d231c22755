/**
 * The JavaScript files `convotest import promptfoo` writes beside the grader definitions, so
 * promptfoo's `javascript` and `is-json` assertions run as convotest `custom` graders. Pure: it
 * returns file texts; the CLI writes them.
 *
 * Each grader module checks the turns its case lists for it (case metadata
 * `promptfoo.graders[<grader name>]`) the way promptfoo checks one test's output, and scores
 * each turn 1 (promptfoo would pass it) or 0, so with threshold 1 the grade passes exactly when
 * promptfoo would pass every one of those tests. promptfoo's own score and reason are kept in
 * the grade's details.
 */

/** File name of the shared runtime the generated grader modules import. */
export const RUNTIME_FILE = 'promptfoo-runtime.mjs';

/** The shared runtime: turn selection, promptfoo's result rules (boolean, number, GradingResult). */
export const RUNTIME_TEXT = `// Written by \`convotest import promptfoo\`: runs promptfoo assertions as convotest custom graders.
// A grader checks the turns its case lists under metadata.promptfoo.graders[<grader name>]
// (default: the last turn), each as promptfoo checks one test's output, and scores a turn 1 when
// promptfoo would pass it, else 0 (promptfoo's own score and reason are in details.turns).

// The turn's final reply and its index in the transcript (grades name messages by index).
function replyOf(transcript, turn) {
  let index = -1;
  transcript.forEach((m, i) => {
    if (m.role === 'assistant' && m.turn === turn && (m.content ?? '') !== '') index = i;
  });
  return { index, output: index >= 0 ? transcript[index].content : '' };
}

function promptfooPass(result, threshold, inverse) {
  if (typeof result === 'boolean') return { pass: result !== inverse, score: result ? 1 : 0 };
  if (typeof result === 'number') return { pass: (threshold === undefined ? result > 0 : result >= threshold) !== inverse, score: result };
  if (result && typeof result === 'object' && typeof result.pass === 'boolean') {
    return { pass: result.pass !== inverse, score: typeof result.score === 'number' ? result.score : result.pass ? 1 : 0, reason: result.reason };
  }
  throw new Error('the assertion must return a boolean, a number or a GradingResult { pass, score, reason }, got ' + JSON.stringify(result));
}

/**
 * check(output, context) is the promptfoo assertion; options: { threshold?, inverse?, label }.
 */
export async function gradeTurns(input, ctx, check, options) {
  const meta = (input.case.metadata ?? {}).promptfoo ?? {};
  const turnCount = (input.case.turns ?? []).length;
  const turns = (meta.graders ?? {})[ctx.name] ?? [Math.max(0, turnCount - 1)];
  const results = [];
  for (const turn of turns) {
    const { index, output } = replyOf(input.transcript, turn);
    const vars = (meta.vars ?? [])[turn] ?? {};
    const context = { vars, prompt: (input.case.turns ?? [])[turn]?.user ?? '', test: { vars, metadata: meta.metadata ?? {} }, ...(options.config ? { config: options.config } : {}) };
    try {
      const r = promptfooPass(await check(output, context), options.threshold, options.inverse === true);
      results.push({ turn, index, score: r.pass ? 1 : 0, reason: r.reason ?? (r.pass ? 'passed' : options.label + ' failed'), promptfooScore: r.score });
    } catch (error) {
      results.push({ turn, index, score: 0, reason: options.label + ' threw: ' + (error instanceof Error ? error.message : String(error)), promptfooScore: 0 });
    }
  }
  const failed = results.filter((r) => r.score < 1);
  return {
    score: results.length === 0 ? 1 : results.reduce((s, r) => s + r.score, 0) / results.length,
    reason: failed.length === 0 ? options.label + ' passed on ' + results.length + ' turn(s)' : failed.map((r) => 'turn ' + r.turn + ': ' + r.reason).join('; '),
    turns: results.filter((r) => r.index >= 0).map((r) => ({ turn: r.index, score: r.score, reason: r.reason })),
    details: { turns: results },
  };
}

export function isJson(output) {
  try {
    JSON.parse(output);
    return true;
  } catch {
    return false;
  }
}
`;

/** promptfoo's rule for one-line javascript: an expression, or declarations then an expression. */
export function functionBody(code: string): string {
  const trimmed = code.trimEnd();
  if (trimmed.includes('\n')) return trimmed;
  const line = trimmed.trim().replace(/;+\s*$/, '');
  if (/^(const|let|var)\s/.test(line)) {
    const last = lastStatementSemicolon(line);
    if (last !== -1) {
      const expression = line.slice(last + 1).trim();
      if (expression) return `${line.slice(0, last + 1)} return ${expression}`;
    }
    return line;
  }
  return `return ${line}`;
}

function lastStatementSemicolon(code: string): number {
  let quote: string | null = null;
  let last = -1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === ';') last = i;
  }
  return last;
}

/** Comment lines quoting the promptfoo assertion a module was made from. */
function provenance(source: string, type: string, value: string): string {
  const quoted = value.trimEnd().split('\n').map((l) => `//   ${l}`);
  return [`// From promptfoo: ${source}`, `//   type: ${type}`, '//   value:', ...quoted].join('\n');
}

export interface ModuleOptions {
  threshold?: number;
  inverse?: boolean;
  config?: Record<string, unknown>;
  label: string;
}

const optionsText = (o: ModuleOptions) => JSON.stringify(o);

/** A grader module running inline promptfoo javascript (`output`, `context` in scope). */
export function inlineJavascriptModule(source: string, type: string, code: string, options: ModuleOptions): string {
  const body = functionBody(code)
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `${provenance(source, type, code)}
import { gradeTurns } from './${RUNTIME_FILE}';

async function check(output, context) {
${body}
}

export default (input, ctx) => gradeTurns(input, ctx, check, ${optionsText(options)});
`;
}

/** A grader module calling a promptfoo `file://path.js[:function]` assertion (path relative to the module). */
export function fileJavascriptModule(source: string, type: string, reference: string, relativePath: string, functionName: string | undefined, options: ModuleOptions): string {
  const pick = functionName ? `mod[${JSON.stringify(functionName)}]` : `(typeof mod.default === 'function' ? mod.default : mod.default?.default)`;
  return `${provenance(source, type, reference)}
import * as mod from ${JSON.stringify(relativePath.startsWith('.') ? relativePath : `./${relativePath}`)};
import { gradeTurns } from './${RUNTIME_FILE}';

const check = ${pick};
if (typeof check !== 'function') throw new Error(${JSON.stringify(`${reference} does not export a function${functionName ? ` "${functionName}"` : ''}`)});

export default (input, ctx) => gradeTurns(input, ctx, check, ${optionsText(options)});
`;
}

/** A grader module for `is-json` / `not-is-json`. */
export function isJsonModule(source: string, type: string, options: ModuleOptions): string {
  return `${provenance(source, type, '(none)')}
import { gradeTurns, isJson } from './${RUNTIME_FILE}';

export default (input, ctx) => gradeTurns(input, ctx, (output) => isJson(output), ${optionsText(options)});
`;
}
