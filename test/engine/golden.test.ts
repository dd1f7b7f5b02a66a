// Golden traces: each story's story-seed trace hash per default strategy, pinned. A refactor
// must keep them; a change to them must be deliberate and explained in its commit.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { beforeAll, expect, test } from 'vitest';
import type { Engine, RunOptions } from '../../src/engine/index.ts';
import { loadEngine } from '../support/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

test('each story seed gives the same trace per default strategy', () => {
  const lines = engine
    .scenarios()
    .flatMap((story) =>
      engine
        .run({ scenario: story.id, seed: story.storySeed })
        .runs.map((run) => `${story.id} ${run.strategy} ${run.traceHash.slice(0, 16)}`),
    );
  expect(lines.join('\n')).toMatchInlineSnapshot(`
    "payment-lost-response naive 3d451775a7251484
    payment-lost-response idempotency-key 5adeb1c69339b2cd
    double-click-checkout naive 6c04b79032d49fd2
    double-click-checkout idempotency-key 4980165eb22bbdcf
    double-click-checkout check-then-insert 33d611180b75571f
    double-click-checkout key-after-effect 2979b50ab546f55c
    put-vs-post naive 481f7237ea09a17d
    put-vs-post idempotency-key 3092f8992ac1a310
    put-vs-post upsert c3ea3d93756e1445
    webhook-duplicates naive 28a1c5f7a08fc383
    webhook-duplicates inbox 35b398a47e91246d
    queue-redelivery naive bea4a440bfb64734
    queue-redelivery inbox 5672f7e1ef2b4b34
    event-sourcing-projection naive 7ab9a9e44d7b0599
    event-sourcing-projection inbox 01d4f301b2ec9acd
    event-sourcing-projection version-check 570f45a5950d1bce
    flight-booking naive 141583fc1dd277b7
    flight-booking no-recovery-point 3dcce29b3d35391d
    flight-booking idempotency-key 3d44fccdbc35abd6
    api-studio-create-user naive 0478f869f7db9c0f
    api-studio-create-user idempotency-key 2fac469f95415deb
    api-studio-create-user upsert 1714b6e1a31a4f2a
    exactly-once-myth ack-before-process 15c37ded3f4a3b40
    exactly-once-myth naive 712ab70f4d71dcc1
    exactly-once-myth inbox df55ffd35e8c992b
    retry-amplification naive a0cf357d14ba026e
    retry-amplification idempotency-key d41aecca4a2cc558
    auto-increment-dedupe auto-increment-dedupe 76d1750e1fb24548
    auto-increment-dedupe inbox 814856d7486d085e
    key-retention naive 582db6ea5a5f99fd
    key-retention idempotency-key 1e7f6f7e503e9f9f
    key-lifecycle naive e7799326fe33d8d1
    key-lifecycle idempotency-key 3ed66dd04a83145d"
  `);
});

/**
 * A wider net, one digest per story: every strategy the story offers, on two more seeds, with
 * faults off, and under every option of every choice knob (cases, profiles, brokers). Verdicts
 * and effect counts go in beside the trace hash, so a change in what is checked shows too.
 */
test('every strategy, seed, case and profile of each story gives the same runs', () => {
  const digests = engine.scenarios().map((story) => {
    const strategies = story.strategies.map((s) => s.id);
    const variants: RunOptions[] = [
      { scenario: story.id, seed: story.storySeed, strategies },
      { scenario: story.id, seed: 1, strategies },
      { scenario: story.id, seed: 42, strategies },
      { scenario: story.id, seed: story.storySeed, strategies, faults: false },
      ...story.knobs.flatMap((knob) =>
        knob.kind === 'choice'
          ? knob.options.map((option) => ({
              scenario: story.id,
              seed: story.storySeed,
              strategies,
              knobs: { [knob.id]: option },
            }))
          : [],
      ),
    ];
    const text = variants
      .flatMap((options) =>
        engine
          .run(options)
          .runs.map((run) =>
            JSON.stringify([
              options.knobs ?? {},
              options.seed,
              run.strategy,
              run.traceHash,
              run.invariants.map((i) => [i.id, i.holds, i.detail]),
              run.effects,
            ]),
          ),
      )
      .join('\n');
    return `${story.id} ${bytesToHex(sha256(utf8ToBytes(text))).slice(0, 16)}`;
  });
  expect(digests.join('\n')).toMatchInlineSnapshot(`
    "payment-lost-response 5454e4aabd912f8b
    double-click-checkout ce8a382d957984d2
    put-vs-post f07e1a60b02efedd
    webhook-duplicates 182ea8f87d40f41f
    queue-redelivery c4567a5cab19bc88
    event-sourcing-projection ae6caffd145a76b3
    flight-booking 76a942044ddf8475
    api-studio-create-user eae2e967b738ccd1
    exactly-once-myth b6fa8f0c044a0947
    retry-amplification 0560fb076a839dba
    auto-increment-dedupe 0a7d9b5f759631a9
    key-retention c3255b0adf085874
    key-lifecycle 9a31d2e6351780c1"
  `);
});
