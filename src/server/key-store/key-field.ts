// Reads the Idempotency-Key field as the profile reads it: the IETF draft's RFC 8941 String
// (quoted), or the raw text the other systems take as it comes.

import { parseItem, Token } from 'structured-headers';
import { IDEMPOTENCY_KEY, sfString, type HttpRequest } from '../../sim/http.ts';
import type { Profile } from '../profiles.ts';

/** What a request's field says: no key, a key, or a value the profile cannot read. */
export type KeyField =
  | { readonly kind: 'missing' }
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'malformed'; readonly why: string };

export function readKeyField(profile: Profile, request: HttpRequest): KeyField {
  const field = request.headers[IDEMPOTENCY_KEY];
  if (field === undefined) return { kind: 'missing' };
  if (profile.keySyntax === 'raw') return { kind: 'key', key: field };
  return parseSfString(field);
}

/**
 * Draft §2.1: the value is an Item whose bare item is a String. Parsed strictly, as RFC 8941
 * §4.2 says: a bare token (`abc`), an empty field, or two fields (which HTTP joins into `"a",
 * "b"`) fail. Parameters are allowed by the Item syntax and carry nothing here, so are ignored.
 */
function parseSfString(field: string): KeyField {
  let item: ReturnType<typeof parseItem>;
  try {
    item = parseItem(field);
  } catch (error) {
    return { kind: 'malformed', why: error instanceof Error ? error.message : String(error) };
  }
  const [value] = item;
  if (typeof value === 'string') return { kind: 'key', key: value };
  const what = value instanceof Token ? `the token ${value.toString()}` : `a ${typeof value}`;
  return { kind: 'malformed', why: `the value is ${what}, not a quoted String` };
}

/** The field value a client of this profile sends for `key` (the completer re-drives with it). */
export function keyFieldValue(profile: Profile, key: string): string {
  return profile.keySyntax === 'sf-string' ? sfString(key) : key;
}
