// What the long runs (soak, determinism) show while and after they run: a progress bar on stderr, the machine's load.
import { loadavg } from 'node:os';
import cliProgress from 'cli-progress';

/** A started bar over `total` story-seeds: done, elapsed, ETA; every 30 s when not a terminal. */
export function storySeedsBar(total) {
  const bar = new cliProgress.SingleBar(
    {
      format:
        ' {bar} {percentage}% | {value}/{total} story-seeds | {duration_formatted} | ETA {eta_formatted}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 30_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** The load averages now and at `start` (from loadavg()): figures taken on a shared machine need them. */
export function loadNote(start) {
  const show = (load) => load.map((x) => x.toFixed(2)).join(' ');
  return `load average ${show(start)} at the start, ${show(loadavg())} at the end`;
}
