// The payment provider: a foreign system with its own ledger, outside the server's database.
// A server ROLLBACK never undoes a charge made here.

import type { ForeignCall, ForeignReply } from './handler.ts';

export interface ProviderPolicy {
  /** Round trip from the server to the provider and back. */
  readonly latencyMs: number;
  /** Whether the provider honours idempotency keys on charges (real PSPs do; some APIs don't). */
  readonly honoursKeys: boolean;
  /** The provider is down until this virtual time: it answers 503 and charges nothing. */
  readonly outageUntilMs: number;
  /** Chance that the provider charges but its answer never reaches the server. */
  readonly lostReply: number;
  /** Payment intents whose card the provider declines (402), charging nothing. Absent: none. */
  readonly declines?: readonly string[];
}

export interface Charge {
  readonly id: string;
  readonly intent: string;
  readonly amountCents: number;
  readonly key: string | null;
  readonly at: number;
}

/**
 * What a foreign system does with a call, whatever it records: nothing while it is down (503);
 * the earlier record when it honours keys and knows this one; else a new record in its ledger.
 */
export abstract class KeyedLedger<R extends { readonly id: string }> {
  readonly ledger: R[] = [];
  readonly #byKey = new Map<string, R>();
  readonly #policy: ProviderPolicy;
  readonly #downReason: string;

  protected constructor(policy: ProviderPolicy, downReason: string) {
    this.#policy = policy;
    this.#downReason = downReason;
  }

  /** A final refusal of this call (a declined card), or null to carry it out. */
  protected refuses(_call: ForeignCall): ForeignReply | null {
    return null;
  }

  /** The new record for a call the system carries out now (the ledger does not hold it yet). */
  protected abstract record(call: ForeignCall, key: string | null, at: number): R;

  /** `done` is the record made now; null when the system was down or replayed an earlier one. */
  carryOut(call: ForeignCall, at: number): { reply: ForeignReply; done: R | null } {
    if (at < this.#policy.outageUntilMs) {
      return { reply: { ok: false, status: 503, reason: this.#downReason }, done: null };
    }
    const refused = this.refuses(call);
    if (refused) return { reply: refused, done: null };
    const key = this.#policy.honoursKeys ? (call.key ?? null) : null;
    const earlier = key === null ? undefined : this.#byKey.get(key);
    if (earlier) return { reply: { ok: true, reference: earlier.id, replayed: true }, done: null };
    const made = this.record(call, key, at);
    this.ledger.push(made);
    if (key !== null) this.#byKey.set(key, made);
    return { reply: { ok: true, reference: made.id, replayed: false }, done: made };
  }
}

export class Provider extends KeyedLedger<Charge> {
  readonly #declines: readonly string[];

  constructor(policy: ProviderPolicy) {
    super(policy, 'the payment provider is down');
    this.#declines = policy.declines ?? [];
  }

  /** Charges the card unless the key was seen before or the provider is down; `charged` says whether money moved now. */
  charge(call: ForeignCall, at: number): { reply: ForeignReply; charged: Charge | null } {
    const { reply, done } = this.carryOut(call, at);
    return { reply, charged: done };
  }

  /** A declined card is refused before anything is carried out, while the provider is up. */
  protected override refuses(call: ForeignCall): ForeignReply | null {
    return this.#declines.includes(call.intent)
      ? { ok: false, status: 402, reason: 'your card was declined' }
      : null;
  }

  protected record(call: ForeignCall, key: string | null, at: number): Charge {
    const id = `ch_${this.ledger.length + 1}`;
    return { id, intent: call.intent, amountCents: call.amountCents, key, at };
  }
}
