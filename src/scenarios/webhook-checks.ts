// Effects and invariants of the webhook stories, written as SQL over the consumer's tables and
// what the sender was told.

import type { EffectSpec, InvariantSpec } from './types.ts';

export const WEBHOOK_EFFECTS: readonly EffectSpec[] = [
  { name: 'invoice-created', label: 'Invoices' },
  { name: 'email-sent', label: 'Emails' },
  { name: 'stock-reserved', label: 'Stock reservations' },
];

export const ONE_INVOICE_PER_PAYMENT: InvariantSpec = {
  id: 'one-invoice-per-payment',
  title: 'Each payment is invoiced, emailed and reserved once',
  sql: `SELECT intent, count(*) AS invoices, group_concat(event_id, ', ' ORDER BY id) AS events
FROM invoices
GROUP BY intent
HAVING count(*) > 1
ORDER BY intent`,
  ok: 'No payment was invoiced twice.',
  describe: (row) =>
    `${row.intent} was invoiced ${row.invoices} times (deliveries of ${row.events})`,
};

export const NOTHING_LOST: InvariantSpec = {
  id: 'nothing-lost',
  title: 'Every event the consumer acknowledged was processed',
  sql: `SELECT DISTINCT a.intent
FROM run.answers a
WHERE a.status BETWEEN 200 AND 299
  AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.intent = a.intent)
ORDER BY a.intent`,
  ok: 'Every acknowledged event was processed.',
  describe: (row) => `the event for ${row.intent} was acknowledged but never processed`,
};

export const STATUS_IS_LATEST: InvariantSpec = {
  id: 'status-is-latest',
  title: 'A payment shows the status of its newest event, whatever the arrival order',
  // SQLite returns the other columns of the row that holds max(): the newest acknowledged event.
  sql: `SELECT p.intent, p.status AS shown, json_extract(l.asked, '$.status') AS newest
FROM payment_status p
JOIN (SELECT intent, asked, max(json_extract(asked, '$.version')) AS version
      FROM run.answers WHERE status BETWEEN 200 AND 299 GROUP BY intent) l ON l.intent = p.intent
WHERE p.status <> json_extract(l.asked, '$.status')
ORDER BY p.intent`,
  ok: 'Every payment shows the status of its newest event.',
  describe: (row) =>
    `${row.intent} shows “${row.shown}”, but its newest event says “${row.newest}”`,
};
