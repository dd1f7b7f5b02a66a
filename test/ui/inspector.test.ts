// The inspector's state on the real engine and the console worker's query module: latest wins,
// changes marked, and a query that overruns or a worker that dies costs only that query.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine, SnapshotOptions } from '../../src/engine/index.ts';
import { cellOf, changesOf, fileName, presetsFor } from '../../src/ui/inspector/format.ts';
import { InspectorModel } from '../../src/ui/inspector/inspector.svelte.ts';
import { QueryClient } from '../../src/ui/inspector/query-client.ts';
import { createQueryApi } from '../../src/worker/query.ts';
import { loadEngine } from '../support/engine.ts';
import { loadSql } from '../support/sql.ts';
import { fakeWorker, type FakeWorker } from '../support/worker.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const options = { scenario: 'payment-lost-response', seed: 12, strategies: ['naive'] };

/**
 * The page's inspector client over the real engine and the real query module, each console
 * worker a channel in this thread; with a log of snapshot calls and of the workers started.
 */
function client(
  api: () => object = () => createQueryApi(loadSql),
  limitMs?: number,
): QueryClient & { readonly asked: SnapshotOptions[]; readonly workers: FakeWorker[] } {
  const asked: SnapshotOptions[] = [];
  const workers: FakeWorker[] = [];
  const later = () => new Promise((r) => setTimeout(r, 1));
  const inspector = new QueryClient(
    async (o) => {
      asked.push(o);
      await later();
      return engine.snapshot(o);
    },
    () => {
      const worker = fakeWorker(api());
      workers.push(worker);
      return worker;
    },
    limitMs,
  );
  return Object.assign(inspector, { asked, workers });
}

async function idle(model: InspectorModel): Promise<void> {
  for (let i = 0; i < 400 && (model.loading || model.querying); i++)
    await new Promise((r) => setTimeout(r, 2));
}

describe('InspectorModel', () => {
  test('shows the snapshot at the cursor and marks the rows that changed since the last one', async () => {
    const model = new InspectorModel(client());
    model.show({ options, strategy: 'naive', seq: 28 });
    await idle(model);
    expect(model.snapshot).toMatchObject({ seq: 28, strategy: 'naive' });
    expect(model.snapshot?.tables.orders?.rows).toHaveLength(1);
    // The first snapshot has nothing to compare with.
    expect(model.changes.orders?.changed.size).toBe(0);

    model.show({ options, strategy: 'naive', seq: 29 });
    await idle(model);
    expect(model.snapshot?.tables.orders?.rows).toHaveLength(2);
    expect([...(model.changes.orders?.changed ?? [])]).toEqual([1]);

    // Another strategy is another run: nothing to mark.
    model.show({ options, strategy: 'idempotency-key', seq: 29 });
    await idle(model);
    expect(model.changes.orders?.changed.size).toBe(0);
  });

  test('scrubbing fast asks for at most one snapshot at a time, and the last position wins', async () => {
    const c = client();
    const model = new InspectorModel(c);
    for (let seq = 0; seq < 40; seq++) model.show({ options, strategy: 'naive', seq });
    await idle(model);
    expect(c.asked.map((o) => o.seq)).toEqual([0, 39]);
    expect(model.snapshot?.seq).toBe(39);
  });

  test('null is the end of the run; the console’s query follows the cursor', async () => {
    const model = new InspectorModel(client());
    model.show({ options, strategy: 'naive', seq: null });
    await idle(model);
    expect(model.snapshot?.tables).toEqual(engine.run(options).runs[0]!.tables);

    void model.query('SELECT 1 AS stale');
    await model.query('SELECT count(*) AS n FROM orders');
    expect(model.answer).toMatchObject({ columns: ['n'], rows: [[2]] });

    model.show({ options, strategy: 'naive', seq: 20 });
    await idle(model);
    expect(model.answer).toMatchObject({ columns: ['n'], rows: [[1]] });

    await model.query('DELETE FROM orders');
    expect(model.answer).toMatchObject({ error: expect.stringMatching(/read-only/) });
  });

  test('a failed snapshot says why, and downloads name the moment', async () => {
    const model = new InspectorModel(client());
    model.show({ options, strategy: 'nope', seq: 3 });
    await idle(model);
    expect(model.error).toMatch(/"nope"/);
    expect(model.snapshot).toBeNull();
    await expect(model.download()).rejects.toThrow(/Wait for the snapshot/);

    model.show({ options, strategy: 'naive', seq: 16 });
    await idle(model);
    expect(model.error).toBeNull();
    const file = await model.download();
    expect(file.name).toBe('twice-payment-lost-response-naive-seed12-t16.sqlite');
    expect(new TextDecoder().decode(file.bytes.slice(0, 15))).toBe('SQLite format 3');
  });
});

describe('QueryClient: the console in its own worker', () => {
  test('a query that overruns ends its worker, says so, and the next query gets a new one', async () => {
    let opened = 0;
    const api = () => {
      const real = createQueryApi(loadSql);
      return {
        open: (id: number, bytes: Uint8Array) => {
          opened++;
          return real.open(id, bytes);
        },
        // SQL that never ends, as a worker that never answers (once it holds the snapshot).
        query: (sql: string, id: number) => {
          const answer = real.query(sql, id);
          return sql === 'endless' && answer !== null ? new Promise(() => undefined) : answer;
        },
      };
    };
    // A limit a loaded machine's first query (loading sql.js, opening the file) stays well within.
    const c = client(api, 1000);
    await c.snapshot({ ...options, strategy: 'naive', seq: 1e6 });
    // A query queued behind the endless one waits for it, then gets its own full limit.
    const [endless, next] = await Promise.all([
      c.query('endless'),
      c.query('SELECT count(*) AS n FROM orders'),
    ]);
    expect(endless).toEqual({
      error:
        'The query ran for 1 s, the console’s limit, and was stopped. Nothing else waited on it.',
      snapshot: 1,
    });
    expect(next).toMatchObject({ rows: [[2]], snapshot: 1 });
    expect(c.workers.map((w) => w.ended())).toEqual([true, false]);
    // The new worker was given the snapshot again; the same snapshot is not sent twice.
    expect(opened).toBe(2);
    await c.query('SELECT 1');
    expect(opened).toBe(2);
  });

  test('a worker that dies fails its query with words', async () => {
    const c = client(() => ({
      open: async () => undefined,
      query: () => new Promise(() => undefined),
    }));
    await c.snapshot({ ...options, strategy: 'naive', seq: 3 });
    const answer = c.query('SELECT 1');
    // Let the query reach the worker, then crash it as an out-of-memory worker would.
    for (let i = 0; i < 100 && c.workers.length === 0; i++)
      await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, 5));
    c.workers[0]?.crash();
    expect(await answer).toEqual({
      error: expect.stringMatching(
        /^The SQL console’s worker stopped \(it crashed or ran out of memory\)/,
      ),
      snapshot: 1,
    });
    expect(c.workers[0]?.ended()).toBe(true);
  });

  test('the download is the snapshot’s file, a copy the page owns', async () => {
    const c = client();
    await expect(c.download()).rejects.toThrow(/No snapshot/);
    await c.snapshot({ ...options, strategy: 'naive', seq: 16 });
    const file = await c.download();
    const again = await c.download();
    expect(new TextDecoder().decode(file.slice(0, 15))).toBe('SQLite format 3');
    expect(file.buffer).not.toBe(again.buffer);
  });
});

describe('format', () => {
  test('cells: NULL apart from the text NULL, blobs in hex, long text cut with the whole kept', () => {
    expect(cellOf(null)).toEqual({ text: 'NULL', full: null, kind: 'null' });
    expect(cellOf('NULL').kind).toBe('text');
    expect(cellOf(42)).toMatchObject({ text: '42', kind: 'number' });
    expect(cellOf(new Uint8Array([0, 255]))).toMatchObject({ text: "x'00ff'", kind: 'blob' });
    expect(cellOf({ clipped: 'blob', bytes: 100_000_000, head: '' })).toEqual({
      text: 'BLOB, 100,000,000 bytes',
      full: null,
      kind: 'blob',
    });
    const cut = cellOf({ clipped: 'text', bytes: 5000, head: 'y'.repeat(1000) });
    expect(cut.text).toHaveLength(120);
    expect(cut.full).toMatch(/y… \(5,000 bytes in all\)$/);
    const long = cellOf('x'.repeat(500));
    expect(long.text.length).toBeLessThan(130);
    expect(long.full).toHaveLength(500);
  });

  test('changes: new or rewritten rows by index, and how many went', () => {
    const before = {
      columns: ['id', 's'],
      rows: [
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ],
    };
    const now = {
      columns: ['id', 's'],
      rows: [
        [1, 'a'],
        [2, 'B'],
        [4, 'd'],
      ],
    };
    const change = changesOf(before, now);
    expect([...change.changed]).toEqual([1, 2]);
    expect(change.removed).toBe(2);
    expect(changesOf(undefined, now).changed.size).toBe(0);
  });

  test('file names and presets', () => {
    expect(fileName({ scenario: 'a b', strategy: 'naive', seed: 3, seq: -1 })).toBe(
      'twice-a_b-naive-seed3-start.sqlite',
    );
    const tables = engine.snapshot({ ...options, strategy: 'naive', seq: 1e6 }).tables;
    const presets = presetsFor('payment-lost-response', tables);
    expect(presets[0]?.label).toBe('Orders per intent');
    expect(presets.some((p) => p.sql === 'SELECT * FROM orders;')).toBe(true);
    expect(presets.some((p) => p.sql === 'SELECT * FROM invoices;')).toBe(false);
  });
});
