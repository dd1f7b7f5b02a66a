// Story: the card is charged, the response is lost, the client retries.

import { PAYMENT_STRATEGY_IDS } from '../server/strategies/index.ts';
import type { Operation } from '../sim/simulation.ts';
import {
  CLIENT_KNOBS,
  NETWORK_KNOBS,
  PROVIDER_KNOBS,
  SERVER_KNOBS,
  httpWorld,
  serverConfig,
} from './http-world.ts';
import { numberKnob } from './knobs.ts';
import { PAYMENT_EFFECTS, PAYMENT_INVARIANTS } from './payment-checks.ts';
import type { Scenario } from './types.ts';

export const paymentLostResponse: Scenario = {
  id: 'payment-lost-response',
  title: 'The lost response',
  summary: 'A retry after a lost response charges twice, unless the key replays the first answer.',
  storySeed: 12,
  knobs: [
    {
      id: 'payments',
      label: 'Payments',
      group: 'workload',
      kind: 'int',
      default: 1,
      min: 1,
      max: 50,
      help: 'How many customers each pay once, one after another.',
    },
    {
      id: 'paymentGapMs',
      label: 'Time between payments',
      group: 'workload',
      kind: 'int',
      default: 500,
      min: 0,
      max: 60_000,
      unit: 'ms',
      help: 'How long after one customer starts paying the next one starts.',
    },
    ...CLIENT_KNOBS,
    ...NETWORK_KNOBS,
    ...SERVER_KNOBS,
    ...PROVIDER_KNOBS,
  ],
  strategies: PAYMENT_STRATEGY_IDS,
  defaultStrategies: ['naive', 'idempotency-key'],
  effects: PAYMENT_EFFECTS,
  invariants: PAYMENT_INVARIANTS,
  world(knobs, options) {
    const count = options.operations ?? numberKnob(knobs, 'payments');
    const gap = numberKnob(knobs, 'paymentGapMs');
    const operations: Operation[] = [];
    for (let i = 1; i <= count; i++) {
      operations.push({
        at: (i - 1) * gap,
        client: `customer-${i}`,
        method: 'POST',
        path: '/payments',
        body: { intent: `pi_${i}`, amount_cents: 4200 },
      });
    }
    return httpWorld(knobs, options, operations);
  },
  serverConfig,
};
