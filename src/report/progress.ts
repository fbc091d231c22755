import type { BatchEvent, RunReporter, RunTotals } from '../runner/events.js';

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Live bar (TTY) or plain lines (CI). Defaults to the stream's isTTY. */
  live?: boolean;
  /** Plain mode: print a line at most this often (ms), and at every 10 % step. */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Progress of a run: a live one-line bar on a terminal; quiet periodic lines in CI logs.
 * Shows cases done of planned, errors, tokens and cost so far.
 */
export function progressReporter(options: ProgressOptions): RunReporter {
  const live = options.live ?? options.stream.isTTY === true;
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 10_000;
  let started = now();
  let lastLine = 0;
  let lastStep = 0;
  const write = (text: string) => options.stream.write(text);
  return {
    onRunStart(_header, totals) {
      started = now();
      if (!live) write(`running ${totals.planned} conversations\n`);
    },
    onCaseEnd(_result, totals) {
      if (live) {
        write(`\r${formatProgress(totals, now() - started, options.stream.columns ?? 80)}\u001b[K`);
        return;
      }
      const step = totals.planned > 0 ? Math.floor((totals.done / totals.planned) * 10) : 0;
      if (step > lastStep || now() - lastLine >= interval) {
        lastStep = step;
        lastLine = now();
        write(`${formatProgress(totals, now() - started, 0)}\n`);
      }
    },
    onWarning(message) {
      write(`${live ? '\r\u001b[K' : ''}warning: ${message}\n`);
    },
    onBatch(event) {
      write(`${live ? '\r\u001b[K' : ''}${formatBatchEvent(event)}\n`);
    },
    onRunEnd() {
      if (live) write('\r\u001b[K');
    },
  };
}

/** `[######----] 120/400 · 3 errors · 45.2k tokens · $0.1234 · 42s` (no bar when width is 0). */
export function formatProgress(totals: RunTotals, elapsedMs: number, width: number): string {
  const share = totals.planned > 0 ? totals.done / totals.planned : 1;
  const barWidth = width >= 60 ? 20 : 0;
  const filled = Math.round(share * barWidth);
  const bar = barWidth ? `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ` : '';
  const parts = [
    `${bar}${totals.done}/${totals.planned}`,
    `${totals.errors} error${totals.errors === 1 ? '' : 's'}`,
    `${compact(totals.tokens)} tokens`,
    `$${totals.costUsd.toFixed(4)}`,
    `${Math.round(elapsedMs / 1000)}s`,
  ];
  return parts.join(' · ');
}

function compact(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/**
 * One line per batch event (run --batch), e.g.
 * `round 2 · agent gpt-concise (openai gpt-4o-mini) · batch_abc · 200 requests submitted`,
 * `… · in_progress 120/200 · next poll in 30s`, `… · ended: 198 answered, 2 sent again next round`.
 */
export function formatBatchEvent(e: BatchEvent): string {
  const who = `round ${e.round} · ${e.role === 'judge' ? 'judge' : `agent ${e.name}`} (${e.provider} ${e.model}) · ${e.id}`;
  const n = `${e.items} request${e.items === 1 ? '' : 's'}`;
  switch (e.kind) {
    case 'submitted':
      return `${who} · ${n} submitted`;
    case 'resumed':
      return `${who} · ${n} read from the resumed run's batch (not sent again)`;
    case 'pending':
      return `${who} · ${e.state ?? 'pending'} ${e.finished ?? 0}/${e.items} · next poll in ${Math.round((e.nextPollMs ?? 0) / 1000)}s`;
    case 'ended': {
      const parts = [`${e.answered ?? 0} answered`];
      if (e.failed) parts.push(`${e.failed} failed`);
      if (e.retried) parts.push(`${e.retried} sent again next round`);
      return `${who} · ended: ${parts.join(', ')}`;
    }
  }
}
