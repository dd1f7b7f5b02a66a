// The payment provider: a foreign system with its own ledger, outside the server's database.
// A server ROLLBACK never undoes a charge made here.

import type { ChargeCall, ChargeReply } from './handler.ts';

export interface ProviderPolicy {
  /** Round trip from the server to the provider and back. */
  readonly latencyMs: number;
  /** Whether the provider honours idempotency keys on charges (real PSPs do; some APIs don't). */
  readonly honoursKeys: boolean;
  /** The provider is down until this virtual time: it answers 503 and charges nothing. */
  readonly outageUntilMs: number;
  /** Chance that the provider charges but its answer never reaches the server. */
  readonly lostReply: number;
}

export interface Charge {
  readonly id: string;
  readonly intent: string;
  readonly amountCents: number;
  readonly key: string | null;
  readonly at: number;
}

export class Provider {
  readonly ledger: Charge[] = [];
  readonly #byKey = new Map<string, Charge>();
  readonly #policy: ProviderPolicy;

  constructor(policy: ProviderPolicy) {
    this.#policy = policy;
  }

  /** Charges the card unless the key was seen before or the provider is down; `charged` says whether money moved now. */
  charge(call: ChargeCall, at: number): { reply: ChargeReply; charged: Charge | null } {
    if (at < this.#policy.outageUntilMs) {
      return {
        reply: { ok: false, status: 503, reason: 'the payment provider is down' },
        charged: null,
      };
    }
    const key = this.#policy.honoursKeys ? (call.key ?? null) : null;
    const earlier = key === null ? undefined : this.#byKey.get(key);
    if (earlier)
      return { reply: { ok: true, chargeId: earlier.id, replayed: true }, charged: null };
    const charge: Charge = {
      id: `ch_${this.ledger.length + 1}`,
      intent: call.intent,
      amountCents: call.amountCents,
      key,
      at,
    };
    this.ledger.push(charge);
    if (key !== null) this.#byKey.set(key, charge);
    return { reply: { ok: true, chargeId: charge.id, replayed: false }, charged: charge };
  }
}
