// The server's background jobs (a reaper, a completer, an outbox relay): run on their timers, re-drive what they return.

import { assert } from '../assert.ts';
import type { SimEvent } from '../events.ts';
import type { Handler } from '../handler.ts';
import type { Kernel } from '../kernel.ts';
import type { Records } from '../records.ts';
import type { Client } from './client.ts';
import type { Server } from './server.ts';

type On<T extends SimEvent['type']> = Extract<SimEvent, { type: T }>;

export class Jobs {
  readonly #k: Kernel;
  readonly #handler: Handler;
  readonly #records: Records;
  readonly #client: Pick<Client, 'done'>;
  readonly #server: Pick<Server, 'up' | 'busy' | 'startExec'>;
  /** Per job: whether its last run said work is left for it; unset until it has run once. */
  readonly #pending: (boolean | undefined)[] = [];
  /** Per job: whether clients or the server had work in flight at its last run. */
  readonly #sawBusy: boolean[] = [];
  /** Executions the jobs have re-driven so far: each is op 0, attempt n, so its fates have labels of their own. */
  #redriven = 0;

  constructor(
    k: Kernel,
    handler: Handler,
    records: Records,
    client: Pick<Client, 'done'>,
    server: Pick<Server, 'up' | 'busy' | 'startExec'>,
  ) {
    this.#k = k;
    this.#handler = handler;
    this.#records = records;
    this.#client = client;
    this.#server = server;
  }

  /** Schedules every job's first run. */
  start(): void {
    this.#handler.jobs.forEach((job, index) =>
      this.#k.schedule(job.everyMs, { type: 'job', job: index }),
    );
  }

  /** An operation ended: what it left behind (an outbox row, an abandoned key) each job must get to see. */
  operationEnded(): void {
    this.#pending.fill(true);
  }

  /**
   * Runs a job and re-drives what it returns. It keeps ticking while clients still have work,
   * or while the job itself says work is left for it (a completer with unfinished keys), and
   * looks once more after the work in flight at its last run is over: an execution that outlived
   * its client (a stalled attempt that finishes late) may have left it an outbox row.
   */
  onJob({ job: index }: On<'job'>): void {
    const k = this.#k;
    const job = this.#handler.jobs[index];
    assert(job, `job: unknown job ${index}`);
    const clientsBusy = !this.#client.done || this.#server.busy;
    // Until a job has run once, assume it has work: it must get to look.
    if (!clientsBusy && !this.#sawBusy[index] && !(this.#pending[index] ?? true)) return;
    k.schedule(k.now + job.everyMs, { type: 'job', job: index });
    if (!this.#server.up) return;
    this.#sawBusy[index] = clientsBusy;
    const result = job.run(k.now);
    this.#pending[index] = result.pending;
    // A run that found nothing to do stays out of the trace: a reaper ticks for days. A job
    // that reports its table's size is traced every run: those runs are the storage series.
    if (!result.changed && result.requests.length === 0 && result.size === undefined) return;
    const size = result.size === undefined ? {} : { size: result.size };
    const seq = k.emit({
      actor: 'server',
      kind: 'job',
      name: job.name,
      note: result.note,
      requests: result.requests.length,
      ...size,
    });
    this.#records.jobRuns.push({ seq, at: k.now, name: job.name, count: result.count, ...size });
    for (const request of result.requests)
      this.#server.startExec({ op: 0, attempt: ++this.#redriven, copy: 0 }, request, seq);
  }
}
