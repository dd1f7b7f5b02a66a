// The handler port: what the simulated server runs for each delivered request, step by step.
//
// A handler is a set of named steps. The simulation runs one step at a time; each step is one
// synchronous SQL transaction on the server side, and between two steps other events may run
// (a duplicate arrives, a timeout fires) or the server may crash. src/server implements this.

import type { HttpRequest, HttpResponse } from './http.ts';

/** The systems outside the server's database a step can call: the payment provider, the airline. */
export type ForeignSystem = 'psp' | 'airline';

/**
 * A call from the server to a foreign system: the payment provider charges `amountCents`, the
 * airline books a seat for that fare. Each system keeps its own ledger and its own keys.
 */
export interface ForeignCall {
  readonly system: ForeignSystem;
  readonly intent: string;
  readonly amountCents: number;
  /** The system's own idempotency key, derived from the server's stored row. */
  readonly key?: string;
}

/**
 * The foreign system's answer as the server sees it: what it did (`reference` is a charge at the
 * provider, a booking reference at the airline), new or recognised by its key; or a failure —
 * 503 while the system is down (nothing done), 504 when its answer never came (it may or may
 * not have done it: an unknown outcome).
 */
export type ForeignReply =
  | { readonly ok: true; readonly reference: string; readonly replayed: boolean }
  | { readonly ok: false; readonly status: 503 | 504; readonly reason: string }
  /** The provider refused the charge (a declined card): final, nothing charged. */
  | { readonly ok: false; readonly status: 402; readonly reason: string };

/** A local side effect a step committed (an order row): counted like a foreign one. */
export interface LocalEffect {
  readonly name: string;
  readonly subject: string;
}

/** Per-execution scratch values carried from one step to the next (row ids, lease tokens). */
export type Locals = Record<string, string | number>;

export interface StepInput {
  readonly exec: number;
  readonly request: HttpRequest;
  /** Virtual time in integer ms: the only clock a handler may read. */
  readonly now: number;
  readonly locals: Locals;
  /** The provider's answer, in the step that follows a call. */
  readonly reply: ForeignReply | undefined;
}

export type StepOutcome =
  | { readonly kind: 'next'; readonly step: string }
  | { readonly kind: 'call'; readonly call: ForeignCall; readonly step: string }
  | { readonly kind: 'respond'; readonly response: HttpResponse }
  /** Answer now and keep working: the answer goes out, the execution goes on at `step`. */
  | { readonly kind: 'ack'; readonly response: HttpResponse; readonly step: string }
  /** The execution ends without another answer (it answered earlier with `ack`). */
  | { readonly kind: 'done' };

export interface StepResult {
  readonly outcome: StepOutcome;
  /** Local effects, present only when the step's transaction committed. */
  readonly effects: readonly LocalEffect[];
  /** Set when the step rolled back; the outcome is then the error response. */
  readonly error?: string;
}

/** A background job of the server (a reaper, a completer), run on a timer in its own transaction. */
export interface Job {
  readonly name: string;
  readonly everyMs: number;
  /** Runs once at `now`; returns requests to re-drive through the handler, and what it did. */
  run(now: number): JobResult;
}

export interface JobResult {
  readonly requests: readonly HttpRequest[];
  /** Whether it changed anything. */
  readonly changed: boolean;
  /** Whether work is left that it will come back for, even after every client is done. */
  readonly pending: boolean;
  /** What the job did, in words, for the trace ("deleted 3 expired keys"). */
  readonly note: string;
  /** The number in those words: rows it acted on (keys deleted, executions re-driven, events relayed). */
  readonly count: number;
  /**
   * Rows its table holds after the run, from a job that reports storage: every run of such a
   * job is traced, so the page can chart the table's size over time.
   */
  readonly size?: number;
}

export interface Handler {
  /** The step a request starts at; handlers that serve several routes pick by path. */
  firstStep(request: HttpRequest): string;
  /** Background jobs; they tick while clients still have work. */
  readonly jobs: readonly Job[];
  /** Runs one step as one transaction. Never throws for operational failures. */
  run(step: string, input: StepInput): StepResult;
  /** The server process restarted: in-memory state is gone, the database stays. */
  restart(): void;
}
