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
  // All three effects, each counted where it lands: the invoice and stock tables, and the
  // emails the run recorded (an email leaves the system; no table of ours can take it back).
  sql: `WITH paid AS (
  SELECT intent FROM invoices UNION SELECT intent FROM stock_reservations
  UNION SELECT subject FROM run.effects WHERE name = 'email-sent'
), counted AS (
  SELECT p.intent,
    (SELECT count(*) FROM invoices i WHERE i.intent = p.intent) AS invoices,
    (SELECT count(*) FROM stock_reservations s WHERE s.intent = p.intent) AS reservations,
    (SELECT count(*) FROM run.effects e WHERE e.name = 'email-sent' AND e.subject = p.intent) AS emails,
    (SELECT group_concat(event_id, ', ' ORDER BY id) FROM invoices i WHERE i.intent = p.intent) AS events
  FROM paid p
)
SELECT * FROM counted
WHERE invoices > 1 OR reservations > 1 OR emails > 1
ORDER BY intent`,
  ok: 'No payment was invoiced, emailed or reserved twice.',
  describe: (row) =>
    row.invoices === row.reservations && row.invoices === row.emails
      ? `${row.intent} was invoiced ${row.invoices} times (deliveries of ${row.events})`
      : `${row.intent} has ${row.invoices} invoices, ${row.reservations} stock reservations and ${row.emails} emails`,
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
