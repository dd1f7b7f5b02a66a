// Story: a queue consumer crashes before it acknowledges, and the broker delivers the message
// again. Each broker is modelled by its own mechanism: SQS's visibility timeout, RabbitMQ's
// requeue when the channel closes, Kafka's rebalance back to the last committed offset, Service
// Bus's peek-lock (and its duplicate detection, which works on send only).

import { HOUR_MS } from '../server/profiles.ts';
import { BROKERS, DELIVERY_ATTEMPT, QUEUE_PATH, type Broker } from '../server/queue-consumer.ts';
import type { ClientPolicy } from '../sim/client.ts';
import type { Operation, PinnedFaults, World } from '../sim/simulation.ts';
import { CONSUMER_SERVER_KNOBS, consumerServerConfig } from './consumer-world.ts';
import { NETWORK_KNOBS, networkPolicy, runBounds, serverPolicy } from './http-world.ts';
import {
  defineKnobs,
  readKnobs,
  withChanges,
  withDefaults,
  type KnobId,
  type KnobReader,
} from './knobs.ts';
import { QUEUE_EFFECTS, QUEUE_INVARIANTS } from './queue-checks.ts';
import type { KnobValues, Scenario, WorldOptions } from './types.ts';
import { caseKnob, countAndGap, spaced } from './workload.ts';

export const QUEUE_CASES = [
  'crash-before-ack',
  'slow-consumer',
  'crash-after-ack',
  'producer-resend',
] as const;
export type QueueCase = (typeof QUEUE_CASES)[number];

/** What each case does, in words, for the page. */
export const QUEUE_CASE_TEXT: Readonly<Record<QueueCase, string>> = {
  'crash-before-ack':
    'The consumer finishes the work for the last message and crashes before it acknowledges it (before SQS DeleteMessage, RabbitMQ basic.ack, the Kafka offset commit, Service Bus Complete).',
  'slow-consumer':
    'Nothing crashes: the first delivery of the first message takes the slow work time, longer than an SQS visibility timeout or a Service Bus lock.',
  'crash-after-ack':
    'The consumer crashes right after it acknowledged a message and before any work: only a consumer that acknowledges first meets it.',
  'producer-resend':
    'The producer never heard that the broker took the first message, so it sends it again with the same message id. Service Bus with duplicate detection drops the copy; the other brokers deliver it.',
};

export const BROKER_TEXT: Readonly<Record<Broker, string>> = {
  sqs: 'Amazon SQS (standard queue): a received message is hidden for the visibility timeout; not deleted by then, it is received again, up to the max receive count, then it moves to the dead-letter queue.',
  rabbitmq:
    'RabbitMQ (classic queue, manual ack): an unacknowledged message is requeued with redelivered=true when the consumer’s channel closes, and redelivered without limit.',
  kafka:
    'Apache Kafka: the consumer commits its offset after processing; when it leaves the group, the partition is read again from the last committed offset.',
  servicebus:
    'Azure Service Bus (peek-lock): a received message is locked for the lock duration; not completed by then, it is delivered again, up to the max delivery count, then dead-lettered.',
};

// RabbitMQ and Kafka redeliver without limit; the cap only keeps a run bounded.
const REDELIVERY_CAP = 100;
const SKU = 'mug';

const BROKER_SETTINGS = defineKnobs([
  {
    id: 'flavour',
    label: 'Broker',
    group: 'client',
    kind: 'choice',
    default: 'sqs',
    options: BROKERS,
    optionHelp: BROKER_TEXT,
    help: 'Which message broker delivers the messages. Only its own settings take part, so only those are shown.',
  },
  {
    id: 'sqsVisibilityTimeoutMs',
    label: 'SQS visibility timeout',
    group: 'client',
    kind: 'int',
    default: 30_000,
    min: 1000,
    max: 43_200_000,
    unit: 'ms',
    help: 'SQS only (VisibilityTimeout, default 30 s, up to 12 h). After a receive the message is hidden this long; if the consumer has not deleted it by then, it is received again, even while the first consumer is still working on it.',
  },
  {
    id: 'sqsMaxReceiveCount',
    label: 'SQS max receive count',
    group: 'client',
    kind: 'int',
    default: 5,
    min: 1,
    max: 1000,
    help: 'SQS only (maxReceiveCount in the redrive policy, 1 to 1000; AWS sets no default). After this many receives without a delete, the message moves to the dead-letter queue.',
  },
  {
    id: 'rabbitConsumerTimeoutMs',
    label: 'RabbitMQ consumer timeout',
    group: 'client',
    kind: 'int',
    default: 1_800_000,
    min: 0,
    max: 86_400_000,
    unit: 'ms',
    help: 'RabbitMQ only (consumer_timeout, default 30 min; 0 turns it off). A delivery not acknowledged by then closes the channel and is requeued. A crash closes the channel at once, and the message comes back as soon as the consumer reconnects (after the restart time).',
  },
  {
    id: 'kafkaSessionTimeoutMs',
    label: 'Kafka session timeout',
    group: 'client',
    kind: 'int',
    default: 45_000,
    min: 6000,
    max: 1_800_000,
    unit: 'ms',
    help: 'Kafka only (session.timeout.ms, default 45 s). A consumer that crashed stops its heartbeats; after this long Kafka hands its messages to another consumer (a rebalance), which reads again from the last committed offset (the last place saved).',
  },
  {
    id: 'kafkaMaxPollIntervalMs',
    label: 'Kafka max poll interval',
    group: 'client',
    kind: 'int',
    default: 300_000,
    min: 1000,
    max: 3_600_000,
    unit: 'ms',
    help: 'Kafka only (max.poll.interval.ms, default 5 min). A consumer that has not committed a record this long after it was fetched counts as stuck: it leaves the group and the record is read again.',
  },
  {
    id: 'kafkaAutoCommit',
    label: 'Kafka auto-commit',
    group: 'client',
    kind: 'bool',
    default: true,
    help: 'Kafka only (enable.auto.commit, default on). On, offsets are committed together every auto-commit interval, so a crash loses every commit since the last one; off, the consumer commits after each record.',
  },
  {
    id: 'kafkaAutoCommitIntervalMs',
    label: 'Kafka auto-commit interval',
    group: 'client',
    kind: 'int',
    default: 5000,
    min: 100,
    max: 60_000,
    unit: 'ms',
    help: 'Kafka only (auto.commit.interval.ms, default 5 s). How often the consumer commits the offsets it has processed, when auto-commit is on.',
  },
  {
    id: 'sbLockDurationMs',
    label: 'Service Bus lock duration',
    group: 'client',
    kind: 'int',
    default: 60_000,
    min: 5000,
    max: 300_000,
    unit: 'ms',
    help: 'Service Bus only (LockDuration, default 1 min, up to 5 min). A received message is locked to the consumer this long; not completed by then, it is delivered again.',
  },
  {
    id: 'sbMaxDeliveryCount',
    label: 'Service Bus max delivery count',
    group: 'client',
    kind: 'int',
    default: 10,
    min: 1,
    max: 2000,
    help: 'Service Bus only (MaxDeliveryCount, default 10). After this many deliveries without a Complete, the message is dead-lettered.',
  },
  {
    id: 'sbDuplicateDetection',
    label: 'Service Bus duplicate detection',
    group: 'client',
    kind: 'bool',
    default: false,
    help: 'Service Bus only (RequiresDuplicateDetection, off by default). On, the broker drops a message sent with a MessageId it has seen within the window below; it checks sends only: a delivery after a lost lock is not a second send.',
  },
  {
    id: 'sbDuplicateDetectionWindowMs',
    label: 'Service Bus duplicate detection window',
    group: 'client',
    kind: 'int',
    default: 600_000,
    min: 20_000,
    max: 604_800_000,
    unit: 'ms',
    help: 'Service Bus only (DuplicateDetectionHistoryTimeWindow, default 10 min, 20 s to 7 days). How long the broker remembers a MessageId, when duplicate detection is on.',
  },
]);

/** Each broker's own settings take part only under that broker: the page shows them then. */
const OWNER: readonly [string, Broker][] = [
  ['sqs', 'sqs'],
  ['rabbit', 'rabbitmq'],
  ['kafka', 'kafka'],
  ['sb', 'servicebus'],
];
const BROKER_KNOBS = BROKER_SETTINGS.map((knob) => {
  const owner = OWNER.find(([prefix]) => knob.id.startsWith(prefix))?.[1];
  return owner ? { ...knob, shownWhen: { knob: 'flavour', is: owner } } : knob;
});

const WORKLOAD_KNOBS = [
  ...caseKnob(
    QUEUE_CASES,
    QUEUE_CASE_TEXT,
    'What goes wrong; each case is scripted, so it shows on every seed.',
  ),
  ...countAndGap(
    {
      id: 'messages',
      label: 'Orders',
      default: 3,
      max: 50,
      help: 'How many “order placed” messages the shop puts on the queue, one per order.',
    },
    {
      id: 'messageGapMs',
      label: 'Time between orders',
      default: 1000,
      max: 60_000,
      help: 'How long after one message the next one is delivered.',
    },
  ),
  ...defineKnobs([
    {
      id: 'resendAfterMs',
      label: 'Producer re-send after',
      group: 'workload',
      kind: 'int',
      default: 10_000,
      min: 0,
      max: 86_400_000,
      unit: 'ms',
      help: 'In the producer-resend case: how long after the first send the producer sends the first message again.',
    },
  ]),
];

const NETWORK_HELP: Readonly<Record<KnobId<typeof NETWORK_KNOBS>, string>> = {
  latencyMs: 'One-way time between broker and consumer.',
  latencySpreadMs: 'Each message takes the latency plus or minus up to this much.',
  requestLoss:
    'Chance that a delivery never reaches the consumer; the broker delivers it again on its own schedule.',
  responseLoss:
    'Chance that the consumer’s acknowledgement (delete, ack, commit, Complete) is lost after the work committed.',
  duplicate: 'Chance that the broker hands one delivery to the consumer twice at once.',
};

const CONSUMER_KNOBS = [
  ...withChanges(CONSUMER_SERVER_KNOBS, {
    crash: { help: 'Chance that the consumer process dies right after a step commits.' },
    restartMs: {
      help: 'How long a crashed consumer stays down; deliveries that arrive meanwhile are lost.',
    },
  }),
  ...defineKnobs([
    {
      id: 'slowWorkMs',
      label: 'Slow work',
      group: 'server',
      kind: 'int',
      default: 90_000,
      min: 0,
      max: 3_600_000,
      unit: 'ms',
      help: 'In the slow-consumer case: how long the work for the first delivery takes (a slow call, a big label to print).',
    },
  ]),
];

const KNOBS = [
  ...WORKLOAD_KNOBS,
  ...BROKER_KNOBS,
  ...withDefaults(NETWORK_KNOBS, {
    latencyMs: 5,
    latencySpreadMs: 0,
    requestLoss: 0,
    responseLoss: 0,
    duplicate: 0,
  }).map((k) => ({ ...k, help: NETWORK_HELP[k.id] })),
  ...CONSUMER_KNOBS,
];
type Knobs = KnobReader<(typeof KNOBS)[number]>;

/** The n-th "order placed" message, delivered from `at` on; `offset` is its Kafka offset. */
function message(broker: Broker, n: number, at: number, offset: number): Operation {
  return {
    at,
    client: `${broker}:orders`,
    method: 'POST',
    path: QUEUE_PATH,
    body: {
      event: `m_${n}`,
      order: `o_${n}`,
      sku: SKU,
      qty: 1 + ((n - 1) % 3),
      sequence: n,
      broker,
      ...(broker === 'kafka' ? { offset } : {}),
    },
    key: null,
    // Kafka counts no deliveries: a record read again looks the same, offset and all.
    ...(broker === 'kafka' ? {} : { attemptHeader: DELIVERY_ATTEMPT }),
  };
}

function operations(
  knobs: Knobs,
  broker: Broker,
  which: QueueCase,
  options: WorldOptions,
): Operation[] {
  const count = options.operations ?? knobs.int('messages');
  const ops = spaced(count, knobs.int('messageGapMs'), (n, at) => message(broker, n, at, n - 1));
  if (!options.faults || which !== 'producer-resend') return ops;
  const resendAt = knobs.int('resendAfterMs');
  // Service Bus remembers each MessageId for the window and drops a re-send inside it.
  const dropped =
    broker === 'servicebus' &&
    knobs.bool('sbDuplicateDetection') &&
    resendAt < knobs.int('sbDuplicateDetectionWindowMs');
  if (dropped) return ops;
  // The copy is a new message to the broker: a fresh receive count, the next Kafka offset.
  return [...ops, message(broker, 1, resendAt, count)].sort((a, b) => a.at - b.at);
}

function pinned(which: QueueCase, knobs: Knobs, last: number): PinnedFaults {
  switch (which) {
    case 'crash-before-ack':
      return { crashAfter: [{ op: last, attempt: 1, step: 'apply-event' }] };
    case 'crash-after-ack':
      return { crashAfter: [{ op: last, attempt: 1, step: 'ack' }] };
    case 'slow-consumer':
      return {
        pauseBefore: [{ op: 1, attempt: 1, step: 'apply-event', ms: knobs.int('slowWorkMs') }],
      };
    case 'producer-resend':
      return {};
  }
}

/**
 * The broker as the simulation's client: its redelivery timer is the client timeout, its
 * delivery limit the retries, and a redelivery goes out as soon as it is due (no backoff).
 */
function brokerPolicy(knobs: Knobs, broker: Broker, faults: boolean): ClientPolicy {
  const base = { backoffMs: 0, backoffCapMs: 0, jitter: 0, newKeyPerAttempt: false };
  // Faults off: every message is acknowledged once; nothing times out or is noticed lost.
  const timer = (ms: number | null) => (faults ? ms : null);
  switch (broker) {
    case 'sqs':
      return {
        ...base,
        timeoutMs: timer(knobs.int('sqsVisibilityTimeoutMs')),
        retries: knobs.int('sqsMaxReceiveCount') - 1,
      };
    case 'rabbitmq': {
      const consumerTimeout = knobs.int('rabbitConsumerTimeoutMs');
      return {
        ...base,
        timeoutMs: timer(consumerTimeout > 0 ? consumerTimeout : null),
        retries: REDELIVERY_CAP,
        // The channel closes with the process; the message is back when the consumer is.
        ...(faults ? { crashNoticeMs: knobs.int('restartMs') } : {}),
      };
    }
    case 'kafka':
      return {
        ...base,
        timeoutMs: timer(knobs.int('kafkaMaxPollIntervalMs')),
        retries: REDELIVERY_CAP,
        ...(faults ? { crashNoticeMs: knobs.int('kafkaSessionTimeoutMs') } : {}),
      };
    case 'servicebus':
      return {
        ...base,
        timeoutMs: timer(knobs.int('sbLockDurationMs')),
        retries: knobs.int('sbMaxDeliveryCount') - 1,
      };
  }
}

/** An HTTP story's network and server, with the broker as the client and a longer horizon. */
function queueWorld(values: KnobValues, options: WorldOptions): World {
  const knobs = readKnobs(KNOBS, values);
  const broker = knobs.choice('flavour');
  const which = knobs.choice('case');
  const faults = options.faults;
  const ops = operations(knobs, broker, which, options);
  const client = brokerPolicy(knobs, broker, faults);
  const autoCommit = broker === 'kafka' && knobs.bool('kafkaAutoCommit');
  const messages = options.operations ?? knobs.int('messages');
  return {
    operations: ops,
    client,
    network: networkPolicy(values, faults),
    server: {
      ...serverPolicy(values, faults),
      ...(autoCommit ? { ackEveryMs: knobs.int('kafkaAutoCommitIntervalMs') } : {}),
    },
    bounds: runBounds(ops, client.retries, 48 * HOUR_MS),
    pinned: faults ? pinned(which, knobs, messages) : {},
  };
}

export const queueRedelivery: Scenario = {
  id: 'queue-redelivery',
  title: 'The message that came back',
  summary:
    'A queue delivers a message again when the consumer crashes before it says it is done, so the order ships twice, unless the consumer records each message id with its work.',
  storySeed: 1,
  prose: {
    happens:
      'A shop puts one “order placed” message on a queue for each of 3 orders. A broker, here Amazon SQS, hands each message to the consumer. The consumer ships the order, takes the mugs out of stock and emails the customer in one database transaction. Then it acknowledges the message: it tells the broker it is done, so the broker can delete it. On the story seed the consumer crashes right after shipping the third order, before it acknowledges. SQS hides a message it has handed out for 30 s (the visibility timeout). No acknowledgement by then, so it delivers the message again.',
    watch:
      'Follow message m_3: a crash mark after its work, then a second delivery about 30 s later. The naive consumer ships o_3 again and takes 3 more mugs from stock. The inbox consumer keeps a table of the message ids it has handled (its inbox). It wrote m_3’s id there in the same transaction as the first shipment, so it finds the id and only acknowledges. The shipments table shows what SQS said about each delivery (ApproximateReceiveCount, the number of times the message was received).',
    tryThis: [
      {
        label: 'Set Broker to kafka',
        knobs: { flavour: 'kafka' },
        outcome:
          'Kafka has no per-message acknowledgement: the consumer saves its place in the log (its offset) every 5 s, so the crash also loses the saved place for m_1 and m_2. After the 45 s session timeout Kafka hands the log to a fresh consumer, which reads again from the last saved offset. Naive ships all 3 orders twice; the inbox ships each once.',
        expect: [
          { strategy: 'naive', invariant: 'one-shipment-per-order', holds: false },
          { strategy: 'inbox', invariant: 'one-shipment-per-order', holds: true },
        ],
      },
      {
        label: 'Set Broker to servicebus and turn on Service Bus duplicate detection',
        knobs: { flavour: 'servicebus', sbDuplicateDetection: true },
        outcome:
          'Service Bus now drops a message that is sent again with a MessageId it saw in the last 10 min. But nobody sent m_3 twice: its 60 s lock (Service Bus’s visibility timeout) ran out and the broker delivered it again. Naive still ships o_3 twice.',
        expect: [
          { strategy: 'naive', invariant: 'one-shipment-per-order', holds: false },
          { strategy: 'inbox', invariant: 'one-shipment-per-order', holds: true },
        ],
      },
      {
        label: 'Set Case to slow-consumer',
        knobs: { case: 'slow-consumer' },
        outcome:
          'Nothing crashes. The first delivery of m_1 takes 90 s of work. After 30 s SQS makes the message visible again, and a second delivery starts while the first is still working. Naive ships o_1 twice, the inbox once.',
        expect: [
          { strategy: 'naive', invariant: 'one-shipment-per-order', holds: false },
          { strategy: 'inbox', invariant: 'one-shipment-per-order', holds: true },
        ],
      },
    ],
    lesson:
      'Every broker here delivers each message at least once. A crash, a lost acknowledgement or plain slowness brings a message back. The broker’s settings change when the copy comes, not whether it comes. So the consumer must record the message id in the same transaction as its work.',
  },
  demonstrates: {
    breaks: 'naive',
    holds: 'inbox',
    invariant: 'one-shipment-per-order',
  },
  knobs: KNOBS,
  strategies: ['naive', 'inbox', 'memory-dedupe', 'short-dedupe-window', 'ack-before-process'],
  defaultStrategies: ['naive', 'inbox'],
  effects: QUEUE_EFFECTS,
  invariants: QUEUE_INVARIANTS,
  world: queueWorld,
  serverConfig: consumerServerConfig,
};
