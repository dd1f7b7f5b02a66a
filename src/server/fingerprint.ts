// Request fingerprints: SHA-256 over the RFC 8785 canonical JSON of method, path and params,
// so the same request always hashes the same whatever the key order of its body.

import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import type { HttpRequest } from '../sim/http.ts';

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON form');
  return text;
}

export function fingerprint(request: Pick<HttpRequest, 'method' | 'path' | 'body'>): string {
  return bytesToHex(
    sha256(
      utf8ToBytes(
        canonicalJson({ method: request.method, path: request.path, params: request.body }),
      ),
    ),
  );
}

/** The key Powertools stores for a given one: the function's name and an MD5 of the key. */
export function powertoolsKey(key: string): string {
  return `payments#${bytesToHex(md5(utf8ToBytes(key)))}`;
}
