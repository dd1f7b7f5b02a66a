// The embed's addresses: the app's URL with ?embed=1 (and a theme) plus the state's hash, and the
// mapping between <twice-demo> attributes and that hash. No checking here: url-state's lenient
// parseHash reads whatever arrives, so there is one parser.

export type Theme = 'light' | 'dark';

/** The attributes <twice-demo> reads; each but knobs and theme is the hash parameter of its name. */
export const EMBED_ATTRIBUTES = [
  'scenario',
  'seed',
  'strategies',
  'faults',
  'knobs',
  'schedule',
  't',
  'theme',
] as const;
export type EmbedAttribute = (typeof EMBED_ATTRIBUTES)[number];
export type EmbedAttributes = Partial<Record<EmbedAttribute, string>>;

/** In formatHash's order: the knobs come between faults and schedule, so they are set apart. */
const HASH_PARAMS = ['scenario', 'seed', 'strategies', 'faults', 'schedule', 't'] as const;
const BEFORE_KNOBS = ['scenario', 'seed', 'strategies', 'faults'] as const;
/** Knob pairs in the knobs attribute: `retries=3, window=60` (commas or spaces between pairs). */
const KNOB_SEPARATOR = /[\s,]+/;

export interface EmbedFlags {
  /** ?embed=1: the compact view for a frame in someone else's page. */
  readonly embed: boolean;
  /** ?theme=light|dark overrides prefers-color-scheme; null follows it. */
  readonly theme: Theme | null;
}

export function themeOf(text: string | null | undefined): Theme | null {
  const value = text?.trim().toLowerCase();
  return value === 'light' || value === 'dark' ? value : null;
}

/** The flags a page address carries in its query (the hash still carries the state). */
export function readFlags(search: string): EmbedFlags {
  const params = new URLSearchParams(search);
  return { embed: params.get('embed') === '1', theme: themeOf(params.get('theme')) };
}

/** Commas read better than %2C in a link or an attribute someone pastes; a schedule's ~ too. */
const hashOf = (params: URLSearchParams): string =>
  `#${params.toString().replace(/%2C/g, ',').replace(/%7E/g, '~')}`;

/** The hash the app reads, from an element's attributes (knobs become k.<id> parameters). */
export function hashFromAttributes(attributes: EmbedAttributes): string {
  const params = new URLSearchParams();
  const set = (name: (typeof HASH_PARAMS)[number]) => {
    const value = attributes[name]?.replace(/\s+/g, '');
    if (value) params.set(name, value);
  };
  // In formatHash's order, so a canonical hash comes back unchanged.
  for (const name of BEFORE_KNOBS) set(name);
  for (const pair of (attributes.knobs ?? '').split(KNOB_SEPARATOR)) {
    const at = pair.indexOf('=');
    if (at > 0) params.set(`k.${pair.slice(0, at)}`, pair.slice(at + 1));
  }
  set('schedule');
  set('t');
  return hashOf(params);
}

/** The reverse: a (canonical) hash as the attributes that reproduce it. */
export function attributesFromHash(hash: string): EmbedAttributes {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const attributes: EmbedAttributes = {};
  const knobs: string[] = [];
  for (const [name, value] of params) {
    if (name.startsWith('k.')) knobs.push(`${name.slice(2)}=${value}`);
    else if ((HASH_PARAMS as readonly string[]).includes(name))
      attributes[name as (typeof HASH_PARAMS)[number]] = value;
  }
  if (knobs.length > 0) attributes.knobs = knobs.join(',');
  return attributes;
}

/** The app's own address (index.html's folder, no query, no hash) from any of its URLs. */
export function appUrlOf(href: string): string {
  const url = new URL(href);
  url.search = '';
  url.hash = '';
  return url.href;
}

/** The embed view of a state: the app with ?embed=1 (and the theme), the hash unchanged. */
export function embedUrl(appUrl: string, hash: string, theme: Theme | null = null): string {
  const url = new URL(appUrlOf(appUrl));
  url.searchParams.set('embed', '1');
  if (theme) url.searchParams.set('theme', theme);
  return `${url.href}${hash}`;
}

/** The full page of the same state: the app's address and the hash, without the embed flags. */
export function fullUrl(appUrl: string, hash: string): string {
  return `${appUrlOf(appUrl)}${hash}`;
}

/** The content height an embed posted, in either convention it speaks; null for anything else. */
export function postedHeight(data: unknown): number | null {
  let message: unknown = data;
  if (typeof data === 'string') {
    try {
      message = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (typeof message !== 'object' || message === null) return null;
  const { context, type, height } = message as Record<string, unknown>;
  if (context !== 'iframe.resize' && type !== 'twice:resize') return null;
  return typeof height === 'number' && Number.isFinite(height) && height > 0 && height < 100_000
    ? Math.ceil(height)
    : null;
}

/** The two messages an embed posts to its parent when its height changes. */
export function resizeMessages(height: number): [string, { type: 'twice:resize'; height: number }] {
  return [JSON.stringify({ context: 'iframe.resize', height }), { type: 'twice:resize', height }];
}
