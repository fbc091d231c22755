import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { compileLinear, linearPrefilter, type TextMatcher } from '../core/regex.js';
import { ConvotestError } from '../errors.js';

/**
 * Every user-written pattern runs with a bound. RE2 (src/core/regex.ts) runs what it can express
 * in linear time; the rest (lookahead, backreferences) runs on JavaScript's engine in a worker
 * thread that is stopped when one text takes longer than the time limit, so a catastrophic
 * pattern costs at most that long and becomes an error naming the pattern, never a hang.
 */

/** How long the backtracking engine may spend on one text before it is stopped. */
export const BACKTRACKING_TIME_LIMIT_MS = 1000;

/**
 * Compiles a user regex string (`(?i)…`, `/…/flags`) into a bounded matcher. Throws an Error
 * with JavaScript's message when the pattern is invalid. `field` names where the pattern was
 * written (e.g. `must_not_match`), for the time-limit error.
 *
 * @example
 * compileUserPattern('(a+)+$').spans('a'.repeat(40) + '!') // [] at once (linear engine)
 * compileUserPattern('\\d{4}(?!\\d)').engine // 'backtracking' (lookahead), time-limited
 */
export function compileUserPattern(source: string, options: { field?: string; timeLimitMs?: number } = {}): TextMatcher {
  const key = `${options.field ?? ''}\u0000${options.timeLimitMs ?? ''}\u0000${source}`;
  let matcher = compiledPatterns.get(key);
  if (!matcher) {
    // Graders build their phrase matchers per conversation: compile each pattern once per process.
    if (compiledPatterns.size >= MAX_COMPILED) compiledPatterns.clear();
    matcher = compile(source, options);
    compiledPatterns.set(key, matcher);
  }
  return matcher;
}

// Matchers are immutable (each search makes its own state), so one per pattern serves every caller.
const MAX_COMPILED = 10_000;
const compiledPatterns = new Map<string, TextMatcher>();

function compile(source: string, options: { field?: string; timeLimitMs?: number }): TextMatcher {
  const compiled = compileLinear(source);
  if (compiled.ok) return compiled.matcher;
  const { pattern, flags } = compiled.parts;
  const prefilter = linearPrefilter(source);
  const limit = options.timeLimitMs ?? BACKTRACKING_TIME_LIMIT_MS;
  const spans = (text: string): Array<[number, number]> => {
      if (prefilter && prefilter.first(text) === undefined) return [];
      const result = sandbox.run(pattern, flags, text, limit);
      if (result === 'timeout') {
        const where = options.field ? `${options.field} pattern` : 'pattern';
        throw new ConvotestError(
          'E_GRADER',
          `${where} ${JSON.stringify(source)} took more than ${limit} ms on a ${text.length}-character text and was stopped ` +
            `(it uses ${compiled.needs}, so it runs on the backtracking engine; rewrite it without nested quantifiers such as (a+)+)`,
        );
      }
      return result;
  };
  return { source, engine: 'backtracking', spans, first: (text) => spans(text)[0] };
}

// The worker: matches with JavaScript's engine and wakes the waiting thread through `signal`.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const signal = new Int32Array(workerData.signal);
workerData.port.on('message', ({ pattern, flags, text }) => {
  const spans = [];
  const re = new RegExp(pattern, flags.includes('g') ? flags : flags + 'g');
  for (const m of text.matchAll(re)) if (m[0].length > 0) spans.push([m.index, m.index + m[0].length]);
  workerData.port.postMessage(spans);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
Atomics.store(signal, 0, 1);
Atomics.notify(signal, 0);
`;

interface Sandbox {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
}

/**
 * One worker per process, started on first use and replaced after a time-out (a stopped worker
 * cannot be reused). Matching blocks the calling thread with Atomics.wait, so callers stay
 * synchronous. This is the module's only state: a worker is a process resource, not data.
 */
const sandbox = {
  current: undefined as Sandbox | undefined,

  start(): Sandbox {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { signal: signal.buffer, port: port2 }, transferList: [port2] });
    worker.unref();
    port1.unref();
    // Starting a thread is not the pattern's time: wait for it apart (generously, on a busy machine).
    if (Atomics.wait(signal, 0, 0, 60_000) === 'timed-out') {
      void worker.terminate();
      throw new ConvotestError('E_INTERNAL', 'the regex worker thread did not start within 60 s');
    }
    return { worker, port: port1, signal };
  },

  run(pattern: string, flags: string, text: string, limitMs: number): Array<[number, number]> | 'timeout' {
    const box = (this.current ??= this.start());
    Atomics.store(box.signal, 0, 0);
    box.port.postMessage({ pattern, flags, text });
    if (Atomics.wait(box.signal, 0, 0, limitMs) === 'timed-out') {
      this.current = undefined;
      box.port.close();
      void box.worker.terminate();
      return 'timeout';
    }
    const reply = receiveMessageOnPort(box.port);
    if (!reply) throw new ConvotestError('E_INTERNAL', 'the regex worker thread answered nothing');
    return reply.message as Array<[number, number]>;
  },
};
