// The knobs every HTTP story shares (client, network, server, provider) and the world they build.

import type { ServerConfig } from '../server/strategy.ts';
import type { NetworkPolicy } from '../sim/network.ts';
import type { ProviderPolicy } from '../sim/provider.ts';
import type { Bounds, Operation, ServerPolicy, World } from '../sim/simulation.ts';
import { defineKnobs, readKnobs, type KnobId } from './knobs.ts';
import { HOUR_MS, PROFILE_IDS, PROFILES } from '../server/profiles.ts';
import type { KnobValues, WorldOptions } from './types.ts';

export const CLIENT_KNOBS = defineKnobs([
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
]);

export const NETWORK_KNOBS = defineKnobs([
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
]);

export const SERVER_KNOBS = defineKnobs([
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
]);

export const PROVIDER_KNOBS = defineKnobs([
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
]);

export function serverConfig(values: KnobValues): ServerConfig {
  const knobs = readKnobs(SERVER_KNOBS, values);
  const profile = PROFILES[knobs.choice('profile')];
  const leaseMs = knobs.int('leaseMs');
  const retentionHours = knobs.int('retentionHours');
  return {
    profile: profile.id,
    leaseMs: leaseMs > 0 ? leaseMs : profile.leaseMs,
    retentionMs: retentionHours > 0 ? retentionHours * HOUR_MS : profile.retentionMs,
  };
}

/** The network between client and server; faults off, nothing is lost or duplicated. */
export function networkPolicy(values: KnobValues, faults: boolean): NetworkPolicy {
  const knobs = readKnobs(NETWORK_KNOBS, values);
  const ratio = (id: KnobId<typeof NETWORK_KNOBS, 'ratio'>) => (faults ? knobs.ratio(id) : 0);
  return {
    latencyMs: knobs.int('latencyMs'),
    latencySpreadMs: knobs.int('latencySpreadMs'),
    requestLoss: ratio('requestLoss'),
    responseLoss: ratio('responseLoss'),
    duplicate: ratio('duplicate'),
  };
}

/** The server process: its step time, and its crashes only while faults are on. */
export function serverPolicy(values: KnobValues, faults: boolean): ServerPolicy {
  const knobs = readKnobs(SERVER_KNOBS, values);
  return {
    stepMs: knobs.int('stepMs'),
    crash: faults ? knobs.ratio('crash') : 0,
    restartMs: knobs.int('restartMs'),
  };
}

/**
 * Generous bounds: a run that reaches one ends with a bound-reached event, never hangs. Room
 * for every attempt of every operation, and `horizonMs` after the last operation starts.
 */
export function runBounds(
  operations: readonly Operation[],
  retries: number,
  horizonMs: number,
): Bounds {
  const last = operations[operations.length - 1]?.at ?? 0;
  return {
    maxEvents: 10_000 + 100 * operations.length * (retries + 1),
    maxTimeMs: last + horizonMs,
    maxQueue: 10_000 + 20 * operations.length,
  };
}

/**
 * The world for an HTTP story. With faults off, nothing is lost, duplicated or crashed and the
 * client waits for every answer: "everything works when requests succeed exactly once".
 */
export function httpWorld(
  values: KnobValues,
  options: WorldOptions,
  operations: readonly Operation[],
): World & { readonly provider: ProviderPolicy } {
  const provider = readKnobs(PROVIDER_KNOBS, values);
  const faults = options.faults;
  return {
    ...worldWithoutProvider(values, options, operations),
    provider: {
      latencyMs: provider.int('pspLatencyMs'),
      honoursKeys: provider.bool('pspKeys'),
      outageUntilMs: faults ? provider.int('pspOutageMs') : 0,
      lostReply: faults ? provider.ratio('pspLostReply') : 0,
    },
  };
}

/** The world for an HTTP story that calls no payment provider (a consumer of events). */
export function worldWithoutProvider(
  values: KnobValues,
  options: WorldOptions,
  operations: readonly Operation[],
): World {
  const faults = options.faults;
  const client = readKnobs(CLIENT_KNOBS, values);
  const retries = client.int('retries');
  // Clients send the key the way the server's profile reads it: quoted under the IETF draft.
  const profile = PROFILE_IDS.find((id) => id === values.profile);
  return {
    operations,
    client: {
      timeoutMs: faults ? client.int('timeoutMs') : null,
      retries,
      backoffMs: client.int('backoffMs'),
      backoffCapMs: client.int('backoffCapMs'),
      jitter: client.ratio('jitter'),
      newKeyPerAttempt: false,
      quotesKey: profile !== undefined && PROFILES[profile].keySyntax === 'sf-string',
    },
    network: networkPolicy(values, faults),
    server: serverPolicy(values, faults),
    bounds: runBounds(operations, retries, 24 * HOUR_MS),
  };
}
