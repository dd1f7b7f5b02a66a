// The strategies Twice offers, by id, and which of them handle the payment API.

import type { Strategy } from '../strategy.ts';
import { idempotencyKey } from './idempotency-key.ts';
import { naive } from './naive.ts';

/** Strategies for POST /payments, in the order the page lists them: baseline, correct, buggy. */
const PAYMENT_STRATEGIES: readonly Strategy[] = [naive, idempotencyKey];

export const STRATEGIES: ReadonlyMap<string, Strategy> = new Map(PAYMENT_STRATEGIES.map((s) => [s.id, s]));

export const PAYMENT_STRATEGY_IDS: readonly string[] = PAYMENT_STRATEGIES.map((s) => s.id);
