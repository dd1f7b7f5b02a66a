// The long runs' progress bar on stderr (soak, determinism): story-seeds done, elapsed, ETA; every 30 s when not a terminal.
import cliProgress from 'cli-progress';

/** A started bar over `total` story-seeds. */
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
