// The strategies Twice offers, by id.

import type { Strategy } from '../strategy.ts';
import { idempotencyKey } from './idempotency-key.ts';
import { naive } from './naive.ts';

export const STRATEGIES: ReadonlyMap<string, Strategy> = new Map(
  [naive, idempotencyKey].map((s) => [s.id, s]),
);
