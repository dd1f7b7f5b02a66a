// Effects and invariants of the queue story, as SQL over the consumer's tables and what the
// broker was told: an order ships (and leaves stock) once, and no acknowledged message is lost.

import { STOCK_START } from '../server/queue-consumer.ts';
import type { EffectSpec, InvariantSpec } from './types.ts';

export const QUEUE_EFFECTS: readonly EffectSpec[] = [
  { name: 'order-shipped', label: 'Shipments' },
  { name: 'stock-taken', label: 'Units taken from stock' },
  { name: 'email-sent', label: 'Emails' },
];

export const ONE_SHIPMENT_PER_ORDER: InvariantSpec = {
  id: 'one-shipment-per-order',
  title: 'Each order is shipped, emailed and taken from stock once',
  sql: `SELECT order_ref, count(*) AS shipments, group_concat(delivery, ', ' ORDER BY id) AS deliveries
FROM shipments
GROUP BY order_ref
HAVING count(*) > 1
ORDER BY order_ref`,
  ok: 'No order was shipped twice.',
  describe: (row) =>
    `${row.order_ref} was shipped ${row.shipments} times (deliveries: ${row.deliveries})`,
};

export const STOCK_MATCHES_ORDERS: InvariantSpec = {
  id: 'stock-matches-orders',
  title: 'Stock went down by what the shipped orders hold, no more',
  sql: `SELECT s.sku, s.on_hand, ${STOCK_START} - o.units AS expected
FROM stock s
JOIN (SELECT sku, sum(qty) AS units
      FROM (SELECT DISTINCT order_ref, sku, qty FROM shipments)
      GROUP BY sku) o ON o.sku = s.sku
WHERE s.on_hand <> ${STOCK_START} - o.units
ORDER BY s.sku`,
  ok: 'Stock matches the orders shipped.',
  describe: (row) =>
    `the warehouse shows ${row.on_hand} × ${row.sku} on hand, but the orders shipped leave ${row.expected}`,
};

export const NOTHING_LOST: InvariantSpec = {
  id: 'nothing-lost',
  title: 'Every message the broker saw acknowledged was processed',
  sql: `SELECT DISTINCT json_extract(a.asked, '$.order') AS order_ref,
  json_extract(a.asked, '$.event') AS message
FROM run.answers a
WHERE a.status BETWEEN 200 AND 299
  AND NOT EXISTS (
    SELECT 1 FROM shipments s WHERE s.order_ref = json_extract(a.asked, '$.order'))
ORDER BY order_ref`,
  ok: 'Every acknowledged message was processed.',
  describe: (row) =>
    `message ${row.message} (${row.order_ref}) was acknowledged, so the broker forgot it, but the order never shipped`,
};

export const QUEUE_INVARIANTS: readonly InvariantSpec[] = [
  ONE_SHIPMENT_PER_ORDER,
  STOCK_MATCHES_ORDERS,
  NOTHING_LOST,
];
