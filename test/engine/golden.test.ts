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
    "payment-lost-response naive 2947ce3f69476af2
    payment-lost-response idempotency-key 89cd8142de70c257
    double-click-checkout naive 5511edeaf0c44f80
    double-click-checkout idempotency-key 97d5bc62b3dae5f6
    double-click-checkout check-then-insert 0eee84cf05200721
    double-click-checkout key-after-effect 197006224a4e3665
    put-vs-post naive 1e0fb5e888e6c3fa
    put-vs-post idempotency-key 06881e3443d76cdf
    put-vs-post upsert 2b5530ec1e3eb5a8
    webhook-duplicates naive 28a1c5f7a08fc383
    webhook-duplicates inbox 35b398a47e91246d
    queue-redelivery naive bea4a440bfb64734
    queue-redelivery inbox 5672f7e1ef2b4b34
    event-sourcing-projection naive 7ab9a9e44d7b0599
    event-sourcing-projection inbox 01d4f301b2ec9acd
    event-sourcing-projection version-check 570f45a5950d1bce
    flight-booking naive 6168eefd5258a819
    flight-booking no-recovery-point 1582252e7fc022b7
    flight-booking idempotency-key 8804db5b36ebc1f0
    api-studio-create-user naive 397d7ad367efe75b
    api-studio-create-user idempotency-key 6d281d414c6350f9
    api-studio-create-user upsert 85a5b733addbf812
    exactly-once-myth ack-before-process 15c37ded3f4a3b40
    exactly-once-myth naive 712ab70f4d71dcc1
    exactly-once-myth inbox df55ffd35e8c992b
    retry-amplification naive e6a7ca89dec554c3
    retry-amplification idempotency-key 869ee232a262da9c
    auto-increment-dedupe auto-increment-dedupe 76d1750e1fb24548
    auto-increment-dedupe inbox 814856d7486d085e
    key-retention naive 4d69bed24e2b62ea
    key-retention idempotency-key 0d56570f586a2d31
    key-lifecycle naive a796380e48013786
    key-lifecycle idempotency-key f7348f621dbf7de1"
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
    "payment-lost-response 97a930fcaea35a23
    double-click-checkout 116a95661b576b96
    put-vs-post 863412e85b6fdee1
    webhook-duplicates 182ea8f87d40f41f
    queue-redelivery c4567a5cab19bc88
    event-sourcing-projection ae6caffd145a76b3
    flight-booking 1f1a4ad0a28d6039
    api-studio-create-user 2a5378f79039f94d
    exactly-once-myth b6fa8f0c044a0947
    retry-amplification 255ff2c57dbdf928
    auto-increment-dedupe 0a7d9b5f759631a9
    key-retention 70d7cfe650b956b3
    key-lifecycle 77d7b8590c35f4d6"
  `);
});
