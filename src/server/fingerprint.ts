// Request fingerprints: SHA-256 over the RFC 8785 canonical JSON of method, path and params,
// so the same request always hashes the same whatever the key order of its body.

import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import type { HttpRequest, Params } from '../sim/http.ts';

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON form');
  return text;
}

/**
 * Fingerprints made, by body and then method and path: every attempt of an operation sends the
 * operation's own body object (Params are read-only), and an engine runs it again seed after seed
 * or schedule after schedule, so the canonical JSON and SHA-256 (a twentieth of an explored
 * schedule's time) are made once per body. A body no longer referenced drops out with it.
 */
const made = new WeakMap<Params, Map<string, string>>();

export function fingerprint(request: Pick<HttpRequest, 'method' | 'path' | 'body'>): string {
  const { method, path, body } = request;
  let byRoute = made.get(body);
  if (!byRoute) {
    byRoute = new Map();
    made.set(body, byRoute);
  }
  const route = `${method} ${path}`;
  let print = byRoute.get(route);
  if (print === undefined) {
    print = bytesToHex(sha256(utf8ToBytes(canonicalJson({ method, path, params: body }))));
    byRoute.set(route, print);
  }
  return print;
}

/** The key Powertools stores for a given one: the function's name and an MD5 of the key. */
export function powertoolsKey(key: string): string {
  return `payments#${bytesToHex(md5(utf8ToBytes(key)))}`;
}
