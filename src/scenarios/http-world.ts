// The knobs every HTTP story shares (client, network, server, provider) and the world they build.

import type { ServerConfig } from '../server/strategy.ts';
import type { Operation, World } from '../sim/simulation.ts';
import { boolKnob, choiceKnob, numberKnob } from './knobs.ts';
import { HOUR_MS, PROFILE_IDS, PROFILES } from '../server/profiles.ts';
import type { KnobSpec, KnobValues, WorldOptions } from './types.ts';

export const CLIENT_KNOBS: readonly KnobSpec[] = [
  {
    id: 'timeoutMs',
    label: 'Client timeout',
    group: 'client',
    kind: 'int',
    default: 1000,
    min: 50,
    max: 60_000,
    unit: 'ms',
    help: 'How long the client waits for an answer before it gives up on an attempt.',
  },
  {
    id: 'retries',
    label: 'Retries',
    group: 'client',
    kind: 'int',
    default: 3,
    min: 0,
    max: 10,
    help: 'How many more attempts the client makes after the first one fails or times out.',
  },
  {
    id: 'backoffMs',
    label: 'First backoff',
    group: 'client',
    kind: 'int',
    default: 200,
    min: 0,
    max: 10_000,
    unit: 'ms',
    help: 'The wait before the first retry; it doubles for each retry after that.',
  },
  {
    id: 'backoffCapMs',
    label: 'Backoff cap',
    group: 'client',
    kind: 'int',
    default: 2000,
    min: 0,
    max: 60_000,
    unit: 'ms',
    help: 'The longest the client ever waits between two attempts.',
  },
  {
    id: 'jitter',
    label: 'Jitter',
    group: 'client',
    kind: 'ratio',
    default: 0.5,
    min: 0,
    max: 1,
    help: 'Share of each backoff that is randomised away, so clients do not retry in lockstep.',
  },
];

export const NETWORK_KNOBS: readonly KnobSpec[] = [
  {
    id: 'latencyMs',
    label: 'Latency',
    group: 'network',
    kind: 'int',
    default: 80,
    min: 1,
    max: 5000,
    unit: 'ms',
    help: 'One-way time a message takes between client and server.',
  },
  {
    id: 'latencySpreadMs',
    label: 'Latency spread',
    group: 'network',
    kind: 'int',
    default: 40,
    min: 0,
    max: 5000,
    unit: 'ms',
    help: 'Each message takes the latency plus or minus up to this much.',
  },
  {
    id: 'requestLoss',
    label: 'Request loss',
    group: 'network',
    kind: 'ratio',
    default: 0.1,
    min: 0,
    max: 1,
    help: 'Chance that a request never reaches the server.',
  },
  {
    id: 'responseLoss',
    label: 'Response loss',
    group: 'network',
    kind: 'ratio',
    default: 0.3,
    min: 0,
    max: 1,
    help: 'Chance that the answer is lost on its way back, after the server did the work.',
  },
  {
    id: 'duplicate',
    label: 'Duplicate delivery',
    group: 'network',
    kind: 'ratio',
    default: 0.05,
    min: 0,
    max: 1,
    help: 'Chance that the network delivers one request twice.',
  },
];

export const SERVER_KNOBS: readonly KnobSpec[] = [
  {
    id: 'stepMs',
    label: 'Step time',
    group: 'server',
    kind: 'int',
    default: 10,
    min: 1,
    max: 5000,
    unit: 'ms',
    help: 'Time one handler step (one database transaction) takes.',
  },
  {
    id: 'crash',
    label: 'Crash chance',
    group: 'server',
    kind: 'ratio',
    default: 0,
    min: 0,
    max: 1,
    help: 'Chance that the server process dies right after a step commits.',
  },
  {
    id: 'restartMs',
    label: 'Restart time',
    group: 'server',
    kind: 'int',
    default: 2000,
    min: 0,
    max: 600_000,
    unit: 'ms',
    help: 'How long a crashed server stays down; requests that arrive meanwhile are lost.',
  },
  {
    id: 'profile',
    label: 'Key store profile',
    group: 'server',
    kind: 'choice',
    default: 'ietf',
    options: PROFILE_IDS,
    help: 'Which real system the Idempotency-Key store answers like: the IETF draft, Stripe, brandur’s Postgres design or AWS Powertools.',
  },
  {
    id: 'leaseMs',
    label: 'Key lease',
    group: 'server',
    kind: 'int',
    default: 0,
    min: 0,
    max: 3_600_000,
    unit: 'ms',
    help: 'How long a key whose request is still running stays locked to that attempt before a retry may take it over. 0 keeps the profile’s own (90 s; Powertools 30 s).',
  },
  {
    id: 'retentionHours',
    label: 'Key retention',
    group: 'server',
    kind: 'int',
    default: 0,
    min: 0,
    max: 720,
    unit: 'h',
    help: 'How long the server keeps a key; a retry after that runs again. 0 keeps the profile’s own (24 h; brandur 72 h; Powertools 1 h).',
  },
];

export const PROVIDER_KNOBS: readonly KnobSpec[] = [
  {
    id: 'pspLatencyMs',
    label: 'Provider round trip',
    group: 'provider',
    kind: 'int',
    default: 250,
    min: 2,
    max: 30_000,
    unit: 'ms',
    help: 'Time the payment provider takes to charge the card and answer.',
  },
  {
    id: 'pspKeys',
    label: 'Provider honours keys',
    group: 'provider',
    kind: 'bool',
    default: true,
    help: 'Whether the payment provider recognises a repeated charge by its idempotency key and charges only once.',
  },
  {
    id: 'pspOutageMs',
    label: 'Provider outage',
    group: 'provider',
    kind: 'int',
    default: 0,
    min: 0,
    max: 3_600_000,
    unit: 'ms',
    help: 'The provider is down from the start for this long: it answers 503 and charges nothing, then recovers.',
  },
  {
    id: 'pspLostReply',
    label: 'Provider answer lost',
    group: 'provider',
    kind: 'ratio',
    default: 0,
    min: 0,
    max: 1,
    help: 'Chance that the provider charges the card but its answer never reaches the server: an unknown outcome (504).',
  },
];

export function serverConfig(knobs: KnobValues): ServerConfig {
  const profile = PROFILES[choiceKnob(knobs, 'profile', PROFILE_IDS)];
  const leaseMs = numberKnob(knobs, 'leaseMs');
  const retentionHours = numberKnob(knobs, 'retentionHours');
  return {
    profile: profile.id,
    leaseMs: leaseMs > 0 ? leaseMs : profile.leaseMs,
    retentionMs: retentionHours > 0 ? retentionHours * HOUR_MS : profile.retentionMs,
  };
}

/**
 * The world for an HTTP story. With faults off, nothing is lost, duplicated or crashed and the
 * client waits for every answer: "everything works when requests succeed exactly once".
 */
export function httpWorld(
  knobs: KnobValues,
  options: WorldOptions,
  operations: readonly Operation[],
): World {
  const faults = options.faults;
  const ratio = (id: string) => (faults ? numberKnob(knobs, id) : 0);
  const retries = numberKnob(knobs, 'retries');
  const last = operations[operations.length - 1]?.at ?? 0;
  // Clients send the key the way the server's profile reads it: quoted under the IETF draft.
  const profile = PROFILE_IDS.find((id) => id === knobs.profile);
  return {
    operations,
    client: {
      timeoutMs: faults ? numberKnob(knobs, 'timeoutMs') : null,
      retries,
      backoffMs: numberKnob(knobs, 'backoffMs'),
      backoffCapMs: numberKnob(knobs, 'backoffCapMs'),
      jitter: numberKnob(knobs, 'jitter'),
      newKeyPerAttempt: false,
      quotesKey: profile !== undefined && PROFILES[profile].keySyntax === 'sf-string',
    },
    network: {
      latencyMs: numberKnob(knobs, 'latencyMs'),
      latencySpreadMs: numberKnob(knobs, 'latencySpreadMs'),
      requestLoss: ratio('requestLoss'),
      responseLoss: ratio('responseLoss'),
      duplicate: ratio('duplicate'),
    },
    server: {
      stepMs: numberKnob(knobs, 'stepMs'),
      crash: ratio('crash'),
      restartMs: numberKnob(knobs, 'restartMs'),
    },
    provider: {
      latencyMs: numberKnob(knobs, 'pspLatencyMs'),
      honoursKeys: boolKnob(knobs, 'pspKeys'),
      outageUntilMs: faults ? numberKnob(knobs, 'pspOutageMs') : 0,
      lostReply: ratio('pspLostReply'),
    },
    // Generous bounds: a run that reaches one ends with a bound-reached event, never hangs.
    bounds: {
      maxEvents: 10_000 + 100 * operations.length * (retries + 1),
      maxTimeMs: last + 24 * HOUR_MS,
      maxQueue: 10_000 + 20 * operations.length,
    },
  };
}
