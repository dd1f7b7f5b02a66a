// Saved experiments: export ∘ import round-trips, garbage is refused with reasons and never throws,
// and the store (fake-indexeddb here, the real one in e2e) never overwrites or loses a save.
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ScenarioInfo } from '../../src/engine/index.ts';
import { Experiments } from '../../src/ui/experiments/experiments.svelte.ts';
import {
  FORMAT,
  checkImport,
  exportFile,
  stateOf,
  type Experiment,
} from '../../src/ui/experiments/schema.ts';
import { mergeInto, openStore } from '../../src/ui/experiments/store.ts';
import { loadEngine } from '../support/engine.ts';
import { validPageState } from '../support/page-state.ts';

let scenarios: ScenarioInfo[];
beforeAll(async () => {
  scenarios = (await loadEngine()).scenarios();
});

const experiment = (): fc.Arbitrary<Experiment> =>
  fc
    .record({
      state: validPageState(scenarios),
      id: fc.uuid(),
      title: fc.string({ maxLength: 200 }),
      note: fc.string({ maxLength: 300 }),
      createdAt: fc.integer({ min: 0, max: 2 ** 45 }),
      appVersion: fc.constantFrom('0.1.0', 'dev'),
    })
    .map(({ state, ...rest }) => ({
      ...rest,
      ...state,
      strategies: [...state.strategies],
      knobs: { ...state.knobs },
      updatedAt: rest.createdAt,
    }));

const asFile = (experiments: unknown[], extra: object = {}) =>
  JSON.parse(JSON.stringify({ ...exportFile([], 1), experiments, ...extra })) as unknown;

let dbCount = 0;
const freshStore = () => openStore(`test-${++dbCount}`);

describe('export and import', () => {
  test('export ∘ import round-trips every valid experiment, refusing none', () => {
    fc.assert(
      fc.property(fc.uniqueArray(experiment(), { selector: (e) => e.id, maxLength: 8 }), (list) => {
        const text = JSON.stringify(exportFile(list, 5));
        const checked = checkImport(JSON.parse(text), scenarios);
        expect(checked.fileError).toBeNull();
        expect(checked.refused).toEqual([]);
        expect(checked.accepted).toEqual(list);
      }),
      { numRuns: 150 },
    );
  });

  test('garbage never throws past the validator', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue()), (data) => {
        const checked = checkImport(data, scenarios);
        expect(checked.accepted).toEqual([]);
        expect(checked.fileError).toMatch(/^The file was refused: /);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.anything(), fc.jsonValue()), { maxLength: 5 }),
        (entries) => {
          const checked = checkImport(
            { format: FORMAT, version: 1, experiments: entries },
            scenarios,
          );
          expect(checked.fileError).toBeNull();
          expect(checked.accepted.length + checked.refused.length).toBe(entries.length);
          for (const r of checked.refused) expect(r.reasons.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  test('each refusal says which entry and why; the valid entries are kept', () => {
    const good = fc.sample(experiment(), { numRuns: 1, seed: 4 })[0]!;
    const plr = { ...good, scenario: 'payment-lost-response', strategies: ['naive'], knobs: {} };
    const checked = checkImport(
      asFile([
        plr,
        { ...plr, id: 'b', title: 'no such story', scenario: 'made-up' },
        { ...plr, id: 'c', title: 'too many retries', knobs: { retries: 999 } },
        { ...plr, id: 'd', title: 'strange knob', knobs: { colour: 'red' } },
        { ...plr, id: 'e', title: 'bad seed', seed: -1 },
        { ...plr, id: 'f', strategies: ['naive', 'teleport'] },
        'not an object',
      ]),
      scenarios,
    );
    expect(checked.accepted).toEqual([plr]);
    expect(checked.refused.map((r) => [r.entry, r.title])).toEqual([
      [2, 'no such story'],
      [3, 'too many retries'],
      [4, 'strange knob'],
      [5, 'bad seed'],
      [6, plr.title || null],
      [7, null],
    ]);
    const reasons = checked.refused.map((r) => r.reasons.join(' | '));
    expect(reasons[0]).toBe('there is no story “made-up”');
    expect(reasons[1]).toMatch(/is at most \d+; 999 was lowered to it/);
    expect(reasons[2]).toBe('this story has no knob “colour”');
    expect(reasons[3]).toMatch(/^seed: /);
    expect(reasons[4]).toMatch(/no strategy “teleport”/);
  });

  test('a save that replays a schedule keeps it; one without imports as before; a bad one is refused', () => {
    const good = fc.sample(experiment(), { numRuns: 1, seed: 4 })[0]!;
    const plr = {
      ...good,
      scenario: 'payment-lost-response',
      strategies: ['naive'],
      knobs: {},
      faults: true,
    };
    // Saves from before the explorer hold no schedule at all.
    const old = plr;
    expect('schedule' in old).toBe(false);
    const replay = { ...plr, id: 'r', schedule: 'v1~n.o1.a1.d' };
    const checked = checkImport(
      asFile([old, replay, { ...plr, id: 'x', title: 'bad schedule', schedule: 'nope' }]),
      scenarios,
    );
    expect(checked.accepted).toEqual([old, replay]);
    expect(stateOf(replay).schedule).toBe('v1~n.o1.a1.d');
    expect('schedule' in stateOf(old)).toBe(false);
    expect(checked.refused.map((r) => [r.title, r.reasons.join(' | ')])).toEqual([
      [
        'bad schedule',
        'The schedule “nope” is not a schedule from the explorer; the seed’s own faults are shown.',
      ],
    ]);
  });

  test('a newer format or a file that is not ours is refused whole', () => {
    expect(checkImport(asFile([], { version: 2 }), scenarios).fileError).toMatch(
      /format version 2.*reads up to 1/,
    );
    expect(checkImport({ experiments: [] }, scenarios).fileError).toMatch(
      /not a Twice experiments file/,
    );
  });
});

describe('the store', () => {
  test('an import adds new saves, skips exact copies, and keeps both when an id collides', async () => {
    const store = await freshStore();
    const [a, b] = fc.sample(experiment(), { numRuns: 2, seed: 9 }) as [Experiment, Experiment];
    await store.put(a);
    let n = 0;
    const merge = await mergeInto(
      store,
      [a, { ...a, title: `${a.title} (edited)` }, b],
      () => `new-${++n}`,
    );
    expect(merge).toEqual({ added: 1, skipped: 1, copied: 1 });
    const ids = (await store.list()).map((e) => e.id).sort();
    expect(ids).toEqual([a.id, b.id, 'new-1'].sort());
    expect(await store.get(a.id)).toEqual(a);
  });

  test('save, rename, delete and undo; another tab hears of every change', async () => {
    const name = `tabs-${++dbCount}`;
    let clock = 100;
    let ids = 0;
    const options = {
      openStore: () => openStore(name),
      now: () => ++clock,
      newId: () => `id-${++ids}`,
    };
    const here = new Experiments(options);
    const there = new Experiments(options);
    await here.start();
    await there.start();
    const state = stateOf(fc.sample(experiment(), { numRuns: 1, seed: 2 })[0]!);
    const saved = await here.save(state, 'first');
    expect(saved).toMatchObject({ id: 'id-1', title: 'first', ...state });
    await expect.poll(() => there.list.map((e) => e.title)).toEqual(['first']);
    await here.edit('id-1', { title: 'renamed', note: 'why' });
    expect(here.list[0]).toMatchObject({ title: 'renamed', note: 'why', createdAt: 101 });
    expect(here.list[0]!.updatedAt).toBeGreaterThan(101);
    await expect.poll(() => there.list.map((e) => e.title)).toEqual(['renamed']);
    await here.remove('id-1');
    expect(here.list).toEqual([]);
    await expect.poll(() => there.list.length).toBe(0);
    await here.undoRemove();
    expect(here.list.map((e) => e.title)).toEqual(['renamed']);
    await expect.poll(() => there.list.length).toBe(1);
    here.stop();
    there.stop();
  });

  test('a full quota is a sentence, not a crash; no IndexedDB leaves the app working', async () => {
    const full = new Experiments({
      openStore: async () => ({
        list: async () => [],
        get: async () => undefined,
        put: async () => {
          throw new DOMException('full', 'QuotaExceededError');
        },
        delete: async () => undefined,
      }),
    });
    await full.start();
    const state = stateOf(fc.sample(experiment(), { numRuns: 1, seed: 3 })[0]!);
    expect(await full.save(state, 'x')).toBeNull();
    expect(full.error).toMatch(/storage for this site is full/);
    full.stop();

    const none = new Experiments({ openStore: () => Promise.reject(new Error('blocked')) });
    await none.start();
    expect(none.unavailable).toMatch(/Saving is not available/);
    expect(await none.save(state, 'x')).toBeNull();
  });

  test('an import of a broken file keeps every existing save and reports why', async () => {
    const name = `import-${++dbCount}`;
    const app = new Experiments({ openStore: () => openStore(name) });
    await app.start();
    const state = stateOf(fc.sample(experiment(), { numRuns: 1, seed: 5 })[0]!);
    await app.save(state, 'keep me');
    const report = await app.importText(
      '{"format": "twice-experiments", "version": 1, "experiments": [{"id": 3}]}',
      scenarios,
    );
    expect(report.refused).toHaveLength(1);
    expect(report.refused[0]!.reasons.join(' ')).toMatch(/id/);
    expect((await app.importText('not json', scenarios)).fileError).toMatch(/not JSON/);
    expect(app.list.map((e) => e.title)).toEqual(['keep me']);
    app.stop();
  });
});
