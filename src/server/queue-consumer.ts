// The queue consumer's work (queue-redelivery): an "order placed" message ships the order, takes
// its item out of stock and queues the customer's email, all in one transaction. Every consumer
// strategy reaches it through applyEvent; the strategy's 200 is the ack (delete, basic.ack,
// offset commit, Complete).

import type { StepInput } from '../sim/handler.ts';
import type { Db } from './db.ts';
import type { Effect } from './steps.ts';

export const QUEUE_PATH = '/queue/orders';

/** The delivery's number (1, 2, …) as the broker counts it; Kafka counts nothing and sends none. */
export const DELIVERY_ATTEMPT = 'Delivery-Attempt';

/** Units of each product the warehouse starts with. */
export const STOCK_START = 100;

export const BROKERS = ['sqs', 'rabbitmq', 'kafka', 'servicebus'] as const;
export type Broker = (typeof BROKERS)[number];

const INSERT_SHIPMENT = `INSERT INTO shipments (order_ref, sku, qty, message_id, delivery, created_at)
VALUES ($order, $sku, $qty, $message, $delivery, $now)`;
// A product's first order finds the starting stock; each later one takes from what is left.
const TAKE_STOCK = `INSERT INTO stock (sku, on_hand) VALUES ($sku, $start - $qty)
ON CONFLICT (sku) DO UPDATE SET on_hand = on_hand - $qty`;

/**
 * What the broker told the consumer about this delivery, in the broker's own words: the SQS
 * receive count, RabbitMQ's redelivered flag, the Kafka offset, the Service Bus delivery count.
 */
export function deliveryNote(input: StepInput): string {
  const { body, headers } = input.request;
  const attempt = Number(headers[DELIVERY_ATTEMPT] ?? 1);
  switch (body.broker) {
    case 'sqs':
      return `ApproximateReceiveCount=${attempt}`;
    case 'rabbitmq':
      return `redelivered=${attempt > 1}`;
    case 'kafka':
      return `offset=${Number(body.offset)}`;
    case 'servicebus':
      return `DeliveryCount=${attempt}`;
    default:
      return `delivery ${attempt}`;
  }
}

/** The message's work: the shipment, the stock and the email commit together, or none does. */
export function shipOrder(db: Db, input: StepInput, effect: Effect): void {
  const { body } = input.request;
  const order = String(body.order);
  const sku = String(body.sku);
  const qty = Number(body.qty);
  db.run(INSERT_SHIPMENT, {
    $order: order,
    $sku: sku,
    $qty: qty,
    $message: String(body.event),
    $delivery: deliveryNote(input),
    $now: input.now,
  });
  db.run(TAKE_STOCK, { $sku: sku, $qty: qty, $start: STOCK_START });
  effect('order-shipped', order);
  effect('stock-taken', order);
  // Queued in the same transaction; counted as sent when it commits.
  effect('email-sent', order);
}
