// Small formatters the diagram and its sentences share: times, keys, statuses, effect names.

/**
 * A key short enough for a label: "key_c62b8303a45b91ac" → "key_c62b…", and as sent under the IETF
 * draft, quoted, "\"key_c62b…\""; short keys stay whole.
 */
export function shortKey(key: string): string {
  const quoted = key.length > 1 && key.startsWith('"') && key.endsWith('"');
  const bare = quoted ? key.slice(1, -1) : key;
  const short = bare.length <= 10 ? bare : `${bare.slice(0, 8)}…`;
  return quoted ? `"${short}"` : short;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Virtual time for the gutter, at most 6 characters: "114 ms", "1.12 s", "7m 03s", "2h 05m", "3d 04h". */
export function formatClock(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad2(s % 60)}s`;
  const m = Math.floor(s / 60);
  if (m < 24 * 60) return `${Math.floor(m / 60)}h ${pad2(m % 60)}m`;
  const h = Math.floor(m / 60);
  return `${Math.floor(h / 24)}d ${pad2(h % 24)}h`;
}

/** A duration in words, rounded to what a reader needs: "626 ms", "1.2 s", "53 s", "7 min", "2 h 5 min", "3 days". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 10_000) return `${Number((ms / 1000).toFixed(1))} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  return `${Math.round(h / 24)} days`;
}

const STATUS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Content',
  425: 'Too Early',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** "201 Created", or just "299" for a status without a common name. */
export function statusText(status: number): string {
  const name = STATUS[status];
  return name ? `${status} ${name}` : String(status);
}

/** The operation noun a path suggests: "/payments" → "payment", "/users/123" → "user". */
export function nounFor(path: string): string {
  const first = path.split('/').find((part) => part !== '') ?? '';
  const words = first.replace(/[-_]+/g, ' ').trim();
  if (words === '') return 'operation';
  return words.length > 3 && words.endsWith('s') && !words.endsWith('ss')
    ? words.slice(0, -1)
    : words;
}

/** "1st", "2nd", "3rd", "4th", "11th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** "once", "twice", "3 times". */
export function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

/** An effect name read as words: "card-charged" → the card, charged; "email-sent" → the email, sent. */
export interface EffectWords {
  /** "the card" */
  readonly object: string;
  /** "charged": past participle and, for regular verbs, the past tense too. */
  readonly verb: string;
  /** "the card was charged" */
  readonly passive: string;
}

export function effectWords(name: string): EffectWords {
  const parts = name.split(/[-_]/).filter((p) => p !== '');
  const verb = parts.at(-1) ?? name;
  if (parts.length >= 2 && /(ed|sent|made|paid|built|sold|done|taken|written)$/.test(verb)) {
    const object = `the ${parts.slice(0, -1).join(' ')}`;
    return { object, verb, passive: `${object} was ${verb}` };
  }
  return { object: `“${name}”`, verb: 'happened', passive: `“${name}” happened` };
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
