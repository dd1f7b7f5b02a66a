// The inspector's state on the real engine and the worker's query module: latest wins, changes marked.
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import type { Engine, SnapshotOptions } from '../../src/engine/index.ts';
import type { InspectorClient } from '../../src/ui/engine-client.ts';
import { cellOf, changesOf, fileName, presetsFor } from '../../src/ui/inspector/format.ts';
import { InspectorModel } from '../../src/ui/inspector/inspector.svelte.ts';
import { Inspection } from '../../src/worker/query.ts';
import { loadEngine } from '../support/engine.ts';
import { loadSql } from '../support/sql.ts';

let engine: Engine;
let SQL: SqlJsStatic;
beforeAll(async () => {
  engine = await loadEngine();
  SQL = await loadSql();
});

const options = { scenario: 'payment-lost-response', seed: 12, strategies: ['naive'] };

/** The worker's inspector methods over the real engine, with a log of snapshot calls. */
function client(): InspectorClient & { readonly asked: SnapshotOptions[] } {
  const inspection = new Inspection(SQL);
  const asked: SnapshotOptions[] = [];
  const later = () => new Promise((r) => setTimeout(r, 1));
  return {
    asked,
    async snapshot(o) {
      asked.push(o);
      await later();
      return inspection.open(engine.snapshot(o));
    },
    async query(sql) {
      await later();
      return inspection.query(sql);
    },
    async download() {
      return inspection.download();
    },
  };
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

describe('format', () => {
  test('cells: NULL apart from the text NULL, blobs in hex, long text cut with the whole kept', () => {
    expect(cellOf(null)).toEqual({ text: 'NULL', full: null, kind: 'null' });
    expect(cellOf('NULL').kind).toBe('text');
    expect(cellOf(42)).toMatchObject({ text: '42', kind: 'number' });
    expect(cellOf(new Uint8Array([0, 255]))).toMatchObject({ text: "x'00ff'", kind: 'blob' });
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
