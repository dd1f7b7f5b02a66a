// The world of the consumer stories: a sender (a broker, an event stream) emits events one after
// another and redelivers each until it sees it acknowledged; the consumer's 200 is its ack.

import { WEBHOOK_ID, WEBHOOK_PATH } from '../server/webhooks.ts';
import type { ServerConfig } from '../server/strategy.ts';
import type { Operation, World } from '../sim/simulation.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  SERVER_KNOBS,
  serverConfig,
  worldWithoutProvider,
} from './http-world.ts';
import { pickKnobs, readKnobs, withDefaults } from './knobs.ts';
import type { KnobValues, WorldOptions } from './types.ts';
import { countAndGap, spaced } from './workload.ts';

/**
 * The sender's redelivery policy, as the client knobs: it waits 1 s for the ack, then redelivers
 * up to 6 times, 2 s after the first try and doubling up to 30 s, so it keeps trying for about
 * 90 s: long enough for a consumer that restarts, or one that waits for an earlier event.
 */
export const SENDER_KNOBS = withDefaults(CLIENT_KNOBS, {
  retries: 6,
  backoffMs: 2000,
  backoffCapMs: 30_000,
  jitter: 0.2,
});

/** The server knobs that matter to a consumer: how long a step takes, crashes and restarts. */
export const CONSUMER_SERVER_KNOBS = pickKnobs(SERVER_KNOBS, ['stepMs', 'crash', 'restartMs']);

/** How many events the sender emits, and how far apart: the story's workload knobs. */
export function workloadKnobs(label: string, count: number, gapMs: number) {
  return countAndGap(
    {
      id: 'events',
      label,
      default: count,
      max: 50,
      help: 'How many events the sender emits, one after another.',
    },
    {
      id: 'eventGapMs',
      label: 'Time between events',
      default: gapMs,
      max: 60_000,
      help: 'How long after one event the sender emits the next; it does not wait for acks.',
    },
  );
}

/** The knobs `consumerWorld` reads, which every consumer story has (with its own defaults). */
const CONSUMER_KNOBS = [...workloadKnobs('Events', 1, 0), ...NETWORK_KNOBS];

/** The n-th event (n from 1), emitted at `at` by `sender` to `path`. */
export type EventOf = (n: number, at: number) => Operation;

/** The world: `events` events `eventGapMs` apart, each redelivered until acknowledged. */
export function consumerWorld(knobs: KnobValues, options: WorldOptions, event: EventOf): World {
  const read = readKnobs(CONSUMER_KNOBS, knobs);
  const count = options.operations ?? read.int('events');
  const operations = spaced(count, read.int('eventGapMs'), event);
  // Faults off: every message takes the same time, so none overtakes another.
  const spread = options.faults ? read.int('latencySpreadMs') : 0;
  return worldWithoutProvider({ ...knobs, latencySpreadMs: spread }, options, operations);
}

/** No key store takes part in a consumer story: its server config is the key store knobs' defaults. */
const CONSUMER_SERVER_CONFIG: ServerConfig = serverConfig(
  Object.fromEntries(SERVER_KNOBS.map((k) => [k.id, k.default])),
);

export const consumerServerConfig = (): ServerConfig => CONSUMER_SERVER_CONFIG;

/** "Payment pi_n completed", the n-th message `sender` emits: one invoice, one email, one reservation. */
export function paymentCompleted(sender: string): EventOf {
  return (n, at) => ({
    at,
    client: sender,
    method: 'POST',
    path: WEBHOOK_PATH,
    key: null,
    headers: { [WEBHOOK_ID]: `evt_${n}` },
    body: {
      event: `evt_${n}`,
      type: 'payment.completed',
      intent: `pi_${n}`,
      amount_cents: 4200,
      sequence: n,
      status: 'completed',
      version: 2,
    },
  });
}
