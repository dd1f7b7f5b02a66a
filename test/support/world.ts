// Worlds and handler doubles for simulation tests: the settings every sim test starts from, layered; an echo and a payer.
import type { AirlinePolicy } from '../../src/sim/airline.ts';
import type { ClientPolicy } from '../../src/sim/client.ts';
import type { GatewayPolicy, RetryPolicy } from '../../src/sim/gateway.ts';
import type { Handler } from '../../src/sim/handler.ts';
import type { NetworkPolicy } from '../../src/sim/network.ts';
import type { ProviderPolicy } from '../../src/sim/provider.ts';
import type {
  Bounds,
  Operation,
  PinnedFaults,
  ServerPolicy,
  World,
} from '../../src/sim/simulation.ts';

/** A provider that is up, honours keys, answers in 100 ms and never loses an answer. */
export const PROVIDER: ProviderPolicy = {
  latencyMs: 100,
  honoursKeys: true,
  outageUntilMs: 0,
  lostReply: 0,
};

/** One layer of settings: policies merge field by field over earlier layers; the rest replaces. */
export interface WorldLayer {
  readonly operations?: readonly Operation[];
  readonly client?: Partial<ClientPolicy>;
  readonly network?: Partial<NetworkPolicy>;
  readonly server?: Partial<ServerPolicy>;
  readonly bounds?: Partial<Bounds>;
  /** null: a world without a payment provider. */
  readonly provider?: ProviderPolicy | null;
  readonly airline?: AirlinePolicy;
  readonly gateway?: GatewayPolicy;
  readonly providerRetry?: RetryPolicy;
  readonly pinned?: PinnedFaults;
}

/** `count` operations, the i-th (from 0) as `make` builds it. */
export const operations = (count: number, make: (i: number) => Operation): Operation[] =>
  Array.from({ length: count }, (_, i) => make(i));

/**
 * A world: one POST /x at 0, a client that waits 1 s and retries twice 100 ms apart, a 50 ms
 * network that loses nothing, a 10 ms step, the provider above; then `layers`, in order.
 */
export function world(...layers: readonly WorldLayer[]): World {
  const merged = <K extends 'client' | 'network' | 'server' | 'bounds'>(key: K) =>
    Object.assign({}, ...layers.map((layer) => layer[key])) as Partial<World[K]>;
  const last = <K extends keyof WorldLayer>(key: K): WorldLayer[K] =>
    layers.reduce<WorldLayer[K]>((found, layer) => (key in layer ? layer[key] : found), undefined);
  const provider = last('provider');
  const rest = (['airline', 'gateway', 'providerRetry', 'pinned'] as const).flatMap((key) => {
    const value = last(key);
    return value === undefined ? [] : [[key, value]];
  });
  return {
    operations: last('operations') ?? [
      { at: 0, client: 'c1', method: 'POST', path: '/x', body: { n: 1 } },
    ],
    client: {
      timeoutMs: 1000,
      retries: 2,
      backoffMs: 100,
      backoffCapMs: 1000,
      jitter: 0,
      newKeyPerAttempt: false,
      ...merged('client'),
    },
    network: {
      latencyMs: 50,
      latencySpreadMs: 0,
      requestLoss: 0,
      responseLoss: 0,
      duplicate: 0,
      ...merged('network'),
    },
    server: { stepMs: 10, crash: 0, restartMs: 500, ...merged('server') },
    ...(provider === null ? {} : { provider: provider ?? PROVIDER }),
    bounds: { maxEvents: 10_000, maxTimeMs: 600_000, maxQueue: 1000, ...merged('bounds') },
    ...(Object.fromEntries(rest) as Partial<World>),
  };
}

/** What an echo handler saw of each execution's first step: the request's n and headers. */
export interface Seen {
  readonly n: number;
  readonly headers: Record<string, string>;
}

/**
 * A handler double (no database): "work" (effect `worked`, subject the request's n) then answer
 * `status`. It keeps what each "work" step saw and counts restarts.
 */
export function echoHandler(status = 201): Handler & { restarts: number; seen: Seen[] } {
  return {
    firstStep: () => 'work',
    jobs: [],
    restarts: 0,
    seen: [],
    run(step, input) {
      if (step === 'work') {
        this.seen.push({ n: Number(input.request.body.n), headers: { ...input.request.headers } });
        return {
          outcome: { kind: 'next', step: 'answer' },
          effects: [{ name: 'worked', subject: String(input.request.body.n) }],
        };
      }
      return {
        outcome: { kind: 'respond', response: { status, headers: {}, body: null } },
        effects: [],
      };
    },
    restart() {
      this.restarts++;
    },
  };
}

/** A handler double that charges the card once per execution (with `key` if given), then answers 201, or 502 if the charge failed. */
export const payer = (key?: string): Handler => ({
  firstStep: () => 'pay',
  jobs: [],
  run: (step, input) =>
    step === 'pay'
      ? {
          outcome: {
            kind: 'call',
            call: { system: 'psp', intent: 'pi_1', amountCents: 100, ...(key ? { key } : {}) },
            step: 'answer',
          },
          effects: [],
        }
      : {
          outcome: {
            kind: 'respond',
            response: { status: input.reply?.ok ? 201 : 502, headers: {}, body: null },
          },
          effects: [],
        },
  restart: () => undefined,
});
