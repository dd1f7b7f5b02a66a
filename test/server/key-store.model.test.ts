// Model-based test of the idempotency-key store on real sql.js, against a model of what clients may observe.
import fc from 'fast-check';
import type { SqlJsStatic } from 'sql.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { schemaImage } from '../../src/engine/run-strategy.ts';
import { openDb, type OpenDb, type Row } from '../../src/server/db.ts';
import { idempotencyKey } from '../../src/server/strategies/idempotency-key.ts';
import type { ServerConfig } from '../../src/server/strategy.ts';
import type { Handler } from '../../src/sim/handler.ts';
import { IDEMPOTENT_REPLAYED, sfString } from '../../src/sim/http.ts';
import { Provider } from '../../src/sim/provider.ts';
import { Execution, payment } from '../support/server.ts';
import { loadSql } from '../support/sql.ts';

const LEASE_MS = 90_000;
const RETENTION_MS = 86_400_000;
const config: ServerConfig = { profile: 'ietf', leaseMs: LEASE_MS, retentionMs: RETENTION_MS };

let SQL: SqlJsStatic;
/** The schema, built once: every run starts from a copy (building it per run doubles the time). */
let image: Uint8Array;
beforeAll(async () => {
  SQL = await loadSql();
  image = schemaImage(SQL);
});

// ---------------------------------------------------------------------------------------------
// The model: what a client may observe, per (client, key). It knows no rows, tokens or SQL; it
// says which answer each request must get and how many orders and charges may exist.

/** What the current generation of a key has committed; a takeover resumes after it. */
type Phase = 'claimed' | 'ordered' | 'charged';
type StepName = 'create-order' | 'charge-card' | 'record-charge' | 'finish';

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

interface InFlight {
  readonly kind: 'in-flight';
  readonly amount: number;
  /** A fresh claim starts a generation; one starts again only after retention. */
  readonly generation: number;
  readonly expiresAt: number;
  owner: number;
  leaseUntil: number;
  done: Phase;
  /** Whether this generation has moved money: a repeated provider call must not move it again. */
  charged: boolean;
}

interface Completed {
  readonly kind: 'completed';
  readonly amount: number;
  readonly generation: number;
  readonly expiresAt: number;
  /** The first answer: every replay and the stored row must equal it for as long as it lives. */
  readonly answer: Answer;
}

interface RunningModel {
  readonly id: number;
  readonly client: string;
  readonly key: string;
  readonly amount: number;
  readonly generation: number;
  next: StepName;
}

interface Model {
  now: number;
  nextExec: number;
  nextGeneration: number;
  readonly keys: Map<string, InFlight | Completed>;
  /** Executions still in flight, oldest first. */
  running: RunningModel[];
  /** Orders and charges per (client, key), summed over all its generations. */
  readonly orders: Map<string, number>;
  readonly charges: Map<string, number>;
}

interface Real {
  readonly db: OpenDb;
  readonly provider: Provider;
  readonly handler: Handler;
  readonly executions: Map<number, Execution>;
}

const RESUME: Readonly<Record<Phase, StepName>> = {
  claimed: 'create-order',
  ordered: 'charge-card',
  charged: 'finish',
};
/** SEMANTICS §1.6 names the same phases in the row: the recovery point. */
const RECOVERY_POINT: Readonly<Record<Phase, string>> = {
  claimed: 'started',
  ordered: 'order_created',
  charged: 'charge_created',
};
/** The headers a replay repeats (SEMANTICS §1.4: status, body and safe headers). */
const SAFE_HEADERS = ['Content-Type', 'Location'];

const idOf = (client: string, key: string) => `${client}/${key}`;
/** One payment intent per (client, key), so the provider's ledger can be read per key. */
const intentOf = (client: string, key: string) => `pi_${client}_${key}`;
const bump = (counts: Map<string, number>, id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);

/** How often each case ran over all runs: the test also checks that it explored every one. */
const seen = new Map<string, number>();
const saw = (what: string) => bump(seen, what);

type Decision =
  | { readonly kind: 'new' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'replay'; readonly answer: Answer }
  | { readonly kind: 'busy'; readonly retryAfterS: number }
  | { readonly kind: 'take-over'; readonly resume: StepName };

/** The IETF decision table (SEMANTICS §1.4), from outside: what a new request must get. */
function decide(m: Readonly<Model>, client: string, key: string, amount: number): Decision {
  const k = m.keys.get(idOf(client, key));
  if (!k || m.now >= k.expiresAt) return { kind: 'new' };
  if (k.amount !== amount) return { kind: 'mismatch' };
  if (k.kind === 'completed') return { kind: 'replay', answer: k.answer };
  if (m.now < k.leaseUntil)
    return { kind: 'busy', retryAfterS: Math.ceil((k.leaseUntil - m.now) / 1000) };
  return { kind: 'take-over', resume: RESUME[k.done] };
}

function safeHeaders(answer: Answer): Record<string, string> {
  return Object.fromEntries(
    SAFE_HEADERS.flatMap((h) => (answer.headers[h] ? [[h, answer.headers[h]]] : [])),
  );
}

/** A replay: the first answer's status, body and safe headers, marked as a replay. */
function replayOf(first: Answer): Answer {
  return {
    status: first.status,
    headers: { ...safeHeaders(first), [IDEMPOTENT_REPLAYED]: 'true' },
    body: first.body,
  };
}

// ---------------------------------------------------------------------------------------------
// Driving the real store, one step at a time, and checking each step against the model.

interface Snapshot {
  readonly keys: Row[];
  readonly orders: Row[];
  readonly ledger: number;
}

/** Everything a request could change: both tables, every column, and the provider's ledger. */
function snapshot(r: Real): Snapshot {
  return {
    keys: r.db.all('SELECT * FROM idempotency_keys ORDER BY id'),
    orders: r.db.all('SELECT * FROM orders ORDER BY id'),
    ledger: r.provider.ledger.length,
  };
}

/** Starts a request and runs its first step; checks the outcome against the decision table. */
function arrive(m: Model, r: Real, client: string, key: string, amount: number): Execution {
  const kid = idOf(client, key);
  const decision = decide(m, client, key, amount);
  saw(
    decision.kind === 'take-over'
      ? `take-over at ${decision.resume}`
      : decision.kind === 'new' && m.keys.has(kid)
        ? 'new after retention'
        : decision.kind,
  );
  const opens = decision.kind === 'new' || decision.kind === 'take-over';
  // Only an answer at the door is compared with the state before it (a snapshot costs time).
  const before = opens ? null : snapshot(r);
  const id = m.nextExec++;
  // The IETF profile reads the key as an RFC 8941 String: the client quotes it.
  const request = payment(sfString(key), {
    client,
    body: { intent: intentOf(client, key), amount_cents: amount },
  });
  const exec = new Execution(r.handler, r.provider, request, id);
  expect(exec.step(m.now)).toBe('claim-key');
  const answer = exec.response;

  if (opens) {
    expect(answer, `${decision.kind}: the claim does not answer yet`).toBeUndefined();
    const old = m.keys.get(kid);
    if (decision.kind === 'new') {
      m.keys.set(kid, {
        kind: 'in-flight',
        amount,
        generation: m.nextGeneration++,
        expiresAt: m.now + RETENTION_MS,
        owner: id,
        leaseUntil: m.now + LEASE_MS,
        done: 'claimed',
        charged: false,
      });
    } else if (old?.kind === 'in-flight') {
      // The old owner is now stale, whether it crashed or is still running.
      old.owner = id;
      old.leaseUntil = m.now + LEASE_MS;
    }
    const generation = m.keys.get(kid)?.generation ?? -1;
    const next = decision.kind === 'new' ? 'create-order' : decision.resume;
    m.running.push({ id, client, key, amount, generation, next });
    r.executions.set(id, exec);
    return exec;
  }

  switch (decision.kind) {
    case 'mismatch':
      expect(answer?.status).toBe(422);
      expect(answer?.headers['Content-Type']).toBe('application/problem+json');
      break;
    case 'replay':
      expect(answer).toEqual(replayOf(decision.answer));
      break;
    case 'busy':
      expect(answer?.status).toBe(409);
      expect(answer?.headers['Retry-After']).toBe(String(decision.retryAfterS));
      break;
  }
  // An answer given at the door changes nothing: no row, no column, no order, no charge.
  expect(snapshot(r)).toEqual(before);
  return exec;
}

/** Runs one step of an in-flight execution; returns whether it answered. */
function oneStep(m: Model, r: Real, run: RunningModel): boolean {
  const exec = r.executions.get(run.id);
  if (!exec) throw new Error(`execution ${run.id} is in the model but not in the real system`);
  const kid = idOf(run.client, run.key);
  const k = m.keys.get(kid);
  const owner =
    k?.kind === 'in-flight' && k.generation === run.generation && k.owner === run.id ? k : null;
  const before = owner ? null : snapshot(r);
  expect(exec.step(m.now)).toBe(run.next);

  if (!owner) {
    saw(`stale ${run.next}`);
    // Fenced out (taken over, finished by its successor, or its key expired): the step fails
    // with the fence's 409 and leaves every row, every column and the ledger as they were.
    expect(exec.steps.at(-1), `a stale ${run.next} must fail`).toBe(`${run.next}!`);
    expect(exec.response?.status, `a stale ${run.next} is fenced out`).toBe(409);
    expect(snapshot(r)).toEqual(before);
    return true;
  }

  expect(exec.steps.at(-1), `the owner's ${run.next} commits`).toBe(run.next);
  // Every committed phase renews the owner's lease (semantics report §3, the state machine).
  owner.leaseUntil = m.now + LEASE_MS;
  switch (run.next) {
    case 'create-order':
      bump(m.orders, kid);
      owner.done = 'ordered';
      run.next = 'charge-card';
      break;
    case 'charge-card':
      // After a takeover the call carries the same provider key: no second charge.
      saw(owner.charged ? 'charge repeated' : 'charge');
      if (!owner.charged) bump(m.charges, kid);
      owner.charged = true;
      run.next = 'record-charge';
      break;
    case 'record-charge':
      owner.done = 'charged';
      run.next = 'finish';
      break;
    case 'finish': {
      const answer = exec.response;
      if (!answer) throw new Error('finish gave no answer');
      const intent = intentOf(run.client, run.key);
      const charge = r.provider.ledger.filter((c) => c.intent === intent).at(-1);
      expect(answer.status).toBe(201);
      expect(answer.headers.Location).toMatch(/^\/payments\/ord_\d+$/);
      expect(answer.body).toMatchObject({
        intent,
        amount_cents: run.amount,
        status: 'paid',
        charge: charge?.id,
      });
      expect(charge?.amountCents).toBe(run.amount);
      m.keys.set(kid, {
        kind: 'completed',
        amount: owner.amount,
        generation: owner.generation,
        expiresAt: owner.expiresAt,
        answer: { status: answer.status, headers: answer.headers, body: answer.body },
      });
      return true;
    }
  }
  expect(exec.response, `the owner's ${run.next} does not answer yet`).toBeUndefined();
  return false;
}

/** Which in-flight execution a Step, Finish or Retry means: the nth newest of a (client, key). */
interface Target {
  readonly client: string;
  readonly key: string;
  readonly index: number;
}
const show = (t: Target) => `${t.client},${t.key},${t.index}`;

/** The in-flight executions of one (client, key), newest first. */
function inFlight(m: Readonly<Model>, target: Target): RunningModel[] {
  return m.running.filter((x) => x.client === target.client && x.key === target.key).reverse();
}

/**
 * The execution a target means. Naming the key, not a position among all executions, keeps a
 * command pointing at the same execution when shrinking drops an unrelated one.
 */
function pick(m: Readonly<Model>, target: Target): RunningModel {
  const runs = inFlight(m, target);
  const run = runs[target.index % runs.length];
  if (!run) throw new Error('check() let a command through with nothing in flight');
  return run;
}

function retire(m: Model, r: Real, run: RunningModel): void {
  m.running = m.running.filter((x) => x.id !== run.id);
  r.executions.delete(run.id);
}

// ---------------------------------------------------------------------------------------------
// Invariants, after every command.

/** A key's row (and its order) in the terms the model speaks. */
interface KeyView {
  readonly state: unknown;
  readonly point: unknown;
  readonly lease: unknown;
  readonly expiresAt: unknown;
  readonly stored: Answer | null;
  readonly order: { readonly status: unknown; readonly charge: unknown } | null;
}

function expectedView(k: InFlight | Completed): KeyView {
  if (k.kind === 'completed') {
    const { charge } = k.answer.body as { charge: unknown };
    return {
      state: 'COMPLETED',
      point: 'finished',
      lease: null,
      expiresAt: k.expiresAt,
      // I3: the stored response is the first answer, however often it was replayed since.
      stored: { status: k.answer.status, headers: safeHeaders(k.answer), body: k.answer.body },
      // The order the answer names is paid, with the charge the answer names.
      order: { status: 'paid', charge },
    };
  }
  return {
    state: 'IN_PROGRESS',
    point: RECOVERY_POINT[k.done],
    lease: k.leaseUntil,
    expiresAt: k.expiresAt,
    stored: null,
    order:
      k.done === 'claimed'
        ? null
        : k.done === 'ordered'
          ? { status: 'pending', charge: null }
          : { status: 'paid', charge: expect.any(String) },
  };
}

function realViews(r: Real): Record<string, KeyView> {
  const rows = r.db.all(
    `SELECT k.scope, k.idem_key, k.state, k.recovery_point, k.lease_expires_at, k.expires_at,
       k.response_status, k.response_headers, k.response_body, o.status AS order_status, o.psp_charge_id
     FROM idempotency_keys k LEFT JOIN orders o ON o.idempotency_key_id = k.id`,
  );
  return Object.fromEntries(
    rows.map((row) => [
      idOf(String(row.scope), String(row.idem_key)),
      {
        state: row.state,
        point: row.recovery_point,
        lease: row.lease_expires_at,
        expiresAt: row.expires_at,
        stored:
          row.response_status === null
            ? null
            : {
                status: Number(row.response_status),
                headers: JSON.parse(String(row.response_headers)) as Record<string, string>,
                body: JSON.parse(String(row.response_body)) as unknown,
              },
        order:
          row.order_status === null
            ? null
            : { status: row.order_status, charge: row.psp_charge_id },
      },
    ]),
  );
}

function perIntent(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries(
    [...counts].map(([kid, n]) => {
      const [client = '', key = ''] = kid.split('/');
      return [intentOf(client, key), n];
    }),
  );
}

function checkInvariants(m: Readonly<Model>, r: Real): void {
  // I1: at most one row per (scope, key).
  expect(
    r.db.all(
      'SELECT scope, idem_key FROM idempotency_keys GROUP BY scope, idem_key HAVING count(*) > 1',
    ),
  ).toEqual([]);
  // Each key the model knows has the row it expects, and no other row exists.
  expect(realViews(r)).toEqual(
    Object.fromEntries([...m.keys].map(([kid, k]) => [kid, expectedView(k)])),
  );
  // I2 and I6: orders and charges per (client, key) are exactly what the model allows: one per
  // generation at most, none for an answer at the door, none for a fenced-out step.
  const charges: Record<string, number> = {};
  for (const c of r.provider.ledger) charges[c.intent] = (charges[c.intent] ?? 0) + 1;
  expect(charges, 'charges per intent').toEqual(perIntent(m.charges));
  const orders = Object.fromEntries(
    r.db
      .all('SELECT intent, count(*) AS n FROM orders GROUP BY intent')
      .map((row) => [String(row.intent), Number(row.n)]),
  );
  expect(orders, 'orders per intent').toEqual(perIntent(m.orders));
  expect(r.executions.size).toBe(m.running.length);
}

// ---------------------------------------------------------------------------------------------
// Commands.

type KeyCommand = fc.Command<Model, Real>;

/** A command that sends one request: which client, which key, which amount. */
abstract class RequestCommand implements KeyCommand {
  readonly client: string;
  readonly key: string;
  readonly amount: number;
  constructor(client: string, key: string, amount: number) {
    this.client = client;
    this.key = key;
    this.amount = amount;
  }
  abstract check(m: Readonly<Model>): boolean;
  abstract run(m: Model, r: Real): void;
}

/** A command aimed at one in-flight execution; it applies only while that key has one. */
abstract class TargetCommand implements KeyCommand {
  readonly target: Target;
  constructor(target: Target) {
    this.target = target;
  }
  check(m: Readonly<Model>) {
    return inFlight(m, this.target).length > 0;
  }
  abstract run(m: Model, r: Real): void;
}

/** A new request: it runs its first step only, so it claims, takes over, or is answered. */
class Claim extends RequestCommand {
  check() {
    return true;
  }
  run(m: Model, r: Real) {
    arrive(m, r, this.client, this.key, this.amount);
    checkInvariants(m, r);
  }
  override toString() {
    return `Claim(${this.client},${this.key},${this.amount})`;
  }
}

/** One in-flight execution advances one step, so executions of one key interleave. */
class Step extends TargetCommand {
  run(m: Model, r: Real) {
    const run = pick(m, this.target);
    if (oneStep(m, r, run)) retire(m, r, run);
    checkInvariants(m, r);
  }
  override toString() {
    return `Step(${show(this.target)})`;
  }
}

/** One in-flight execution runs to its answer. */
class Finish extends TargetCommand {
  run(m: Model, r: Real) {
    const run = pick(m, this.target);
    let answered = false;
    for (let i = 0; i < 4 && !answered; i++) answered = oneStep(m, r, run);
    expect(answered, 'an execution answers within the four steps after its claim').toBe(true);
    retire(m, r, run);
    checkInvariants(m, r);
  }
  override toString() {
    return `Finish(${show(this.target)})`;
  }
}

/** A whole request with the key of a completed, live key: replayed, or 422 for another amount. */
class Replay extends RequestCommand {
  check(m: Readonly<Model>) {
    const k = m.keys.get(idOf(this.client, this.key));
    return k?.kind === 'completed' && m.now < k.expiresAt;
  }
  run(m: Model, r: Real) {
    const k = m.keys.get(idOf(this.client, this.key));
    if (k?.kind !== 'completed') throw new Error('check() let a Replay of an open key through');
    const exec = arrive(m, r, this.client, this.key, this.amount);
    expect(exec.steps).toEqual(['claim-key']);
    if (k.amount === this.amount) {
      expect(exec.response?.headers[IDEMPOTENT_REPLAYED]).toBe('true');
      expect(exec.response?.body).toEqual(k.answer.body);
    } else {
      expect(exec.response?.status).toBe(422);
    }
    checkInvariants(m, r);
  }
  override toString() {
    return `Replay(${this.client},${this.key},${this.amount})`;
  }
}

/** The same request again while its first execution holds a live lease: 409, nothing changes. */
class ConcurrentDuplicate implements KeyCommand {
  readonly client: string;
  readonly key: string;
  constructor(client: string, key: string) {
    this.client = client;
    this.key = key;
  }
  check(m: Readonly<Model>) {
    const k = m.keys.get(idOf(this.client, this.key));
    return k?.kind === 'in-flight' && m.now < k.leaseUntil && m.now < k.expiresAt;
  }
  run(m: Model, r: Real) {
    const k = m.keys.get(idOf(this.client, this.key));
    if (!k) throw new Error('check() let a duplicate of an unknown key through');
    const exec = arrive(m, r, this.client, this.key, k.amount);
    expect(exec.steps).toEqual(['claim-key']);
    expect(exec.response?.status).toBe(409);
    expect(exec.response?.headers['Retry-After']).toMatch(/^\d+$/);
    checkInvariants(m, r);
  }
  toString() {
    return `ConcurrentDuplicate(${this.client},${this.key})`;
  }
}

/**
 * The client of an in-flight execution gives up waiting and sends the same request again: 409
 * while the lease lives, a takeover once it has lapsed, a new run once the key expired. Claim
 * reaches these too, but only when its random key and amount happen to match.
 */
class Retry extends TargetCommand {
  run(m: Model, r: Real) {
    const { client, key, amount } = pick(m, this.target);
    arrive(m, r, client, key, amount);
    checkInvariants(m, r);
  }
  override toString() {
    return `Retry(${show(this.target)})`;
  }
}

/** The server process dies: every in-flight execution is gone, the database stays. */
class Crash implements KeyCommand {
  check(m: Readonly<Model>) {
    return m.running.length > 0;
  }
  run(m: Model, r: Real) {
    m.running = [];
    r.executions.clear();
    r.handler.restart();
    checkInvariants(m, r);
  }
  toString() {
    return 'Crash()';
  }
}

/** Virtual time moves on: a little, to about a lease, or to about the retention period. */
class Advance implements KeyCommand {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
  check() {
    return true;
  }
  run(m: Model, r: Real) {
    m.now += this.ms;
    checkInvariants(m, r);
  }
  toString() {
    return `Advance(${this.ms})`;
  }
}

/** The store's reaper runs: expired keys are forgotten, live ones stay. */
class Reap implements KeyCommand {
  check(m: Readonly<Model>) {
    return [...m.keys.values()].some((k) => m.now >= k.expiresAt);
  }
  run(m: Model, r: Real) {
    const reaper = r.handler.jobs.find((job) => job.name === 'reaper');
    if (!reaper) throw new Error('the idempotency-key handler has no reaper job');
    saw('reap');
    expect(reaper.run(m.now).requests).toEqual([]);
    for (const [kid, k] of m.keys) if (m.now >= k.expiresAt) m.keys.delete(kid);
    checkInvariants(m, r);
  }
  toString() {
    return 'Reap()';
  }
}

// Few clients and keys, skewed to one pair so requests collide often; c2 and k2 show scoping.
const client = fc.constantFrom('c1', 'c1', 'c1', 'c1', 'c2');
const key = fc.constantFrom('k1', 'k1', 'k1', 'k2');
// Mostly one amount, so retries of the same request are common and mismatches still happen.
const amount = fc.constantFrom(4200, 4200, 4200, 4200, 4200, 9900);
const target = fc.record({ client, key, index: fc.nat({ max: 2 }) });
const ms = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5_000 }) },
  // Lease and retention boundaries: one ms short, exactly on, one past.
  { weight: 5, arbitrary: fc.constantFrom(LEASE_MS - 1, LEASE_MS, LEASE_MS + 1) },
  { weight: 1, arbitrary: fc.constantFrom(RETENTION_MS - 1, RETENTION_MS) },
);
const request = fc.tuple(client, key, amount);

const commands = fc.commands(
  [
    fc.oneof(
      { weight: 7, arbitrary: request.map(([c, k, a]) => new Claim(c, k, a)) },
      { weight: 8, arbitrary: target.map((t) => new Step(t)) },
      { weight: 1, arbitrary: target.map((t) => new Finish(t)) },
      { weight: 3, arbitrary: target.map((t) => new Retry(t)) },
      { weight: 1, arbitrary: request.map(([c, k, a]) => new Replay(c, k, a)) },
      {
        weight: 1,
        arbitrary: fc.tuple(client, key).map(([c, k]) => new ConcurrentDuplicate(c, k)),
      },
      { weight: 1, arbitrary: fc.constant(new Crash()) },
      { weight: 5, arbitrary: ms.map((t) => new Advance(t)) },
      { weight: 2, arbitrary: fc.constant(new Reap()) },
    ),
  ],
  // size 'max': lists up to maxCommands long; the default size keeps them to a handful. A stale
  // owner reaching its last step takes seven commands in the right order: with at most 30 that
  // came about twice in 200 runs and an unfenced COMPLETE went unnoticed in 6 runs out of 6;
  // with 50 it comes two to three times as often and was caught in 6 out of 6, in a few seconds.
  { maxCommands: 50, size: 'max' },
);

/** Cases every run of the test must have reached at least once. */
const REQUIRED = [
  'new',
  'new after retention',
  'mismatch',
  'replay',
  'busy',
  'take-over at create-order',
  'take-over at charge-card',
  'charge',
  'reap',
];

function setup(): Real {
  const db = openDb(new SQL.Database(image));
  const provider = new Provider({
    latencyMs: 100,
    honoursKeys: true,
    outageUntilMs: 0,
    lostReply: 0,
  });
  return { db, provider, handler: idempotencyKey.create(db, config), executions: new Map() };
}

function initialModel(): Model {
  return {
    now: 0,
    nextExec: 1,
    nextGeneration: 1,
    keys: new Map(),
    running: [],
    orders: new Map(),
    charges: new Map(),
  };
}

describe('idempotency-key store, model-based', () => {
  test('interleaved duplicates, crashes, lease expiry and retention match the model', () => {
    seen.clear();
    fc.assert(
      fc.property(commands, (cmds) => {
        const real = setup();
        try {
          fc.modelRun(() => ({ model: initialModel(), real }), cmds);
        } finally {
          real.db.close();
        }
      }),
      { numRuns: 200 },
    );
    // A generator that stopped reaching a branch would leave it untested while the property still
    // passes. Each of these happens dozens of times in 200 runs. The rarest interleavings (a stale
    // owner's finish, a repeated charge after a takeover) come only a few times: too few to
    // require without making the test flaky, so they are counted but not required.
    expect({
      ...Object.fromEntries(REQUIRED.map((what) => [what, (seen.get(what) ?? 0) > 0])),
      'a stale step': [...seen.keys()].some((what) => what.startsWith('stale ')),
    }).toEqual({
      ...Object.fromEntries(REQUIRED.map((what) => [what, true])),
      'a stale step': true,
    });
  });
});
