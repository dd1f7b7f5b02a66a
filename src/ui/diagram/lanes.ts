// Swimlanes from a trace: senders, the network, servers, the database, then third parties.

import type { TraceEvent } from '../../sim/trace.ts';
import type { Lane, LaneKind } from './types.ts';

const NAMES: Readonly<Record<string, { label: string; short: string; title: string }>> = {
  client: { label: 'client', short: 'client', title: 'client (browser, app, webhook sender)' },
  network: { label: 'network', short: 'net', title: 'network' },
  server: { label: 'server', short: 'server', title: 'server (the handler)' },
  database: {
    label: 'database',
    short: 'DB',
    title: "database (the server's SQLite; each step is one transaction)",
  },
  psp: { label: 'PSP', short: 'PSP', title: 'payment provider' },
  airline: { label: 'airline', short: 'airline', title: 'airline (seat booking)' },
  gateway: { label: 'gateway', short: 'gw', title: 'API gateway (retries on its own)' },
};

/** Kinds only an intermediary emits: it sits between the clients and the network. */
const RELAYING = new Set(['forward', 'relay']);

const SERVING = new Set(['deliver', 'step', 'response', 'job', 'crash', 'restart']);

/** The lane id the database lane uses; no actor of that name exists in a trace. */
export const DATABASE = 'database';

/**
 * Lanes in reading order. Actors are classified by what they do, not by name, so an actor
 * this file has never heard of (a gateway, an airline) still gets a lane in a sensible place:
 * anything that sends requests sits with the clients, anything that serves them with the
 * server, anything else after the database in order of first appearance.
 */
export function deriveLanes(trace: readonly TraceEvent[]): Lane[] {
  const order: string[] = [];
  const senders = new Set<string>();
  const servers = new Set<string>();
  const relays = new Set<string>();
  let messages = false;
  let steps = false;
  const meet = (actor: string) => {
    if (actor !== 'sim' && !order.includes(actor)) order.push(actor);
  };
  for (const event of trace) {
    if (event.kind === 'choice') continue;
    meet(event.actor);
    if (event.kind === 'request') senders.add(event.actor);
    if (SERVING.has(event.kind)) servers.add(event.actor);
    if (RELAYING.has(event.kind)) relays.add(event.actor);
    if (event.kind === 'request' || event.kind === 'response') messages = true;
    if (event.kind === 'step') steps = true;
    // A system the server calls has a lane even if it never answered.
    if (event.kind === 'call') meet(event.system);
  }
  const first = (preferred: string, group: ReadonlySet<string>) =>
    [...group].sort((a, b) =>
      a === preferred ? -1 : b === preferred ? 1 : order.indexOf(a) - order.indexOf(b),
    );
  const ids: { id: string; kind: LaneKind }[] = [
    ...first('client', senders).map((id) => ({ id, kind: 'client' as const })),
    ...[...relays].filter((id) => !senders.has(id)).map((id) => ({ id, kind: 'client' as const })),
    ...(messages || order.includes('network') ? [{ id: 'network', kind: 'network' as const }] : []),
    ...first('server', servers)
      .filter((id) => !senders.has(id))
      .map((id) => ({ id, kind: 'server' as const })),
    ...(steps ? [{ id: DATABASE, kind: 'database' as const }] : []),
  ];
  const placed = new Set(ids.map((l) => l.id));
  for (const id of order)
    if (!placed.has(id)) {
      ids.push({ id, kind: 'system' });
      placed.add(id);
    }
  return ids.map(({ id, kind }, index) => {
    const name = NAMES[id] ?? { label: readable(id), short: readable(id).slice(0, 7), title: id };
    return { id, kind, ...name, index, frac: (index + 0.5) / ids.length };
  });
}

function readable(id: string): string {
  const words = id.replace(/[-_]+/g, ' ');
  return words.length <= 10 ? words : `${words.slice(0, 9)}…`;
}
