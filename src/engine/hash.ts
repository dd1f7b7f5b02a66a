// traceHash: a fingerprint of a whole trace, to prove a run is byte-identical across engines.

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { TraceEvent } from '../sim/trace.ts';

export function traceHash(trace: readonly TraceEvent[]): string {
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(trace))));
}
