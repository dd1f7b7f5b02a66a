// Effects and invariants of the payment stories, written as SQL over the final state.

import type { EffectSpec, InvariantSpec } from './types.ts';

export const PAYMENT_EFFECTS: readonly EffectSpec[] = [
  { name: 'card-charged', label: 'Card charges' },
  { name: 'order-created', label: 'Orders' },
];

export const ONE_CHARGE_PER_INTENT: InvariantSpec = {
  id: 'one-charge-per-intent',
  title: 'The card is charged at most once per payment intent',
  sql: `SELECT intent, count(*) AS charges, group_concat(id, ', ') AS ids
FROM psp.charges
GROUP BY intent
HAVING count(*) > 1
ORDER BY intent`,
  ok: 'Every payment intent was charged at most once.',
  describe: (row) => `${row.intent} was charged ${row.charges} times (${row.ids})`,
};

export const ONE_ORDER_PER_INTENT: InvariantSpec = {
  id: 'one-order-per-intent',
  title: 'One order per payment intent',
  sql: `SELECT intent, count(*) AS orders, group_concat(id, ', ') AS ids
FROM orders
GROUP BY intent
HAVING count(*) > 1
ORDER BY intent`,
  ok: 'No payment intent has more than one order.',
  describe: (row) => `${row.intent} has ${row.orders} orders (ids ${row.ids})`,
};

export const ONE_ROW_PER_KEY: InvariantSpec = {
  id: 'one-row-per-key',
  title: 'At most one stored row per (client, key)',
  sql: `SELECT scope, idem_key, count(*) AS rows
FROM idempotency_keys
GROUP BY scope, idem_key
HAVING count(*) > 1
ORDER BY scope, idem_key`,
  ok: 'Every key of every client has at most one row.',
  describe: (row) => `${row.scope} has ${row.rows} rows for key ${row.idem_key}`,
};
