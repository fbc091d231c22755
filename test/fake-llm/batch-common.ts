import { matches, normalize } from './normalize.js';
import type { FakeProvider, RuleMatch } from './types.js';

/**
 * Faults of the fake batch endpoints (both providers). Counters run over the server's life (or
 * until the next `setBatchFaults`).
 */
export interface BatchFaults {
  /** Every batch reports "in progress" for this many status polls before it ends (default 0). */
  pendingPolls?: number;
  /** `pendingPolls` holds only from the n-th batch created on (1-based, default 1): earlier ones end at their first poll. */
  pendingFrom?: number;
  /** The first n batches expire: none of their items is answered. */
  expireBatches?: number;
  /** The first n items (matching `failMatch`, if given) fail with a server error (retryable). */
  failItems?: number;
  failMatch?: RuleMatch;
  /** The first n items fail with an invalid-request error (not retryable). */
  invalidItems?: number;
}

/** How one batch item came out. */
export type ItemOutcome = { kind: 'ok'; body: unknown } | { kind: 'server_error' } | { kind: 'invalid' } | { kind: 'expired' };

/** A batch as the fake server keeps it. */
export interface FakeBatch {
  id: string;
  provider: FakeProvider;
  createdAt: number;
  /** Custom ids in the order received. */
  customIds: string[];
  outcomes: Map<string, ItemOutcome>;
  /** Status polls so far. */
  polls: number;
  ended: boolean;
  expired: boolean;
  /** 1-based, in creation order since the last `setFaults`. */
  index: number;
}

/** What the batch endpoints need from the server: its interactive reply logic, its URL, its log. */
export interface BatchHost {
  /** The interactive answer to a request body (same rules, replies and usage as /v1/chat/completions and /v1/messages). */
  answer(provider: FakeProvider, body: Record<string, unknown>): unknown;
  url(): string;
}

/** Shared state of both providers' batch endpoints: batches, faults and their counters. */
export class BatchStore {
  readonly batches = new Map<string, FakeBatch>();
  private faults: BatchFaults = {};
  private expired = 0;
  private failed = 0;
  private invalid = 0;
  private created = 0;
  private seq = 0;

  constructor(readonly host: BatchHost) {}

  setFaults(faults: BatchFaults): void {
    this.faults = faults;
    this.expired = 0;
    this.failed = 0;
    this.invalid = 0;
    this.created = 0;
  }

  nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${String(this.seq).padStart(6, '0')}`;
  }

  /** Creates a batch and decides every item's outcome at once (answers come from the reply logic). */
  create(provider: FakeProvider, prefix: string, items: Array<{ customId: string; body: Record<string, unknown> }>): FakeBatch {
    this.created += 1;
    const expired = this.expired < (this.faults.expireBatches ?? 0);
    if (expired) this.expired += 1;
    const outcomes = new Map<string, ItemOutcome>();
    for (const item of items) {
      if (expired) {
        outcomes.set(item.customId, { kind: 'expired' });
        continue;
      }
      if (this.invalid < (this.faults.invalidItems ?? 0)) {
        this.invalid += 1;
        outcomes.set(item.customId, { kind: 'invalid' });
        continue;
      }
      if (this.failed < (this.faults.failItems ?? 0) && (!this.faults.failMatch || matches(this.faults.failMatch, normalize(provider, item.body)))) {
        this.failed += 1;
        outcomes.set(item.customId, { kind: 'server_error' });
        continue;
      }
      outcomes.set(item.customId, { kind: 'ok', body: this.host.answer(provider, item.body) });
    }
    const batch: FakeBatch = {
      id: this.nextId(prefix),
      provider,
      createdAt: Math.floor(Date.now() / 1000),
      customIds: items.map((i) => i.customId),
      outcomes,
      polls: 0,
      ended: false,
      expired,
      index: this.created,
    };
    this.batches.set(batch.id, batch);
    return batch;
  }

  /** One status poll: the batch ends once it was polled more than `pendingPolls` times (as the faults are now). */
  poll(batch: FakeBatch): void {
    batch.polls += 1;
    const pending = batch.index >= (this.faults.pendingFrom ?? 1) ? (this.faults.pendingPolls ?? 0) : 0;
    if (batch.polls > pending) batch.ended = true;
  }

  counts(batch: FakeBatch): { ok: number; failed: number; expired: number } {
    const c = { ok: 0, failed: 0, expired: 0 };
    for (const o of batch.outcomes.values()) {
      if (o.kind === 'ok') c.ok += 1;
      else if (o.kind === 'expired') c.expired += 1;
      else c.failed += 1;
    }
    return c;
  }
}

/** A JSON reply, or a text body (JSONL files, results). */
export type BatchReply = { status: number; body: unknown } | { status: number; text: string };
