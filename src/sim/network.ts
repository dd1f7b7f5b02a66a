// Network fates: whether a message is lost, how long it takes, and whether it arrives twice.

import type { Choices } from './choices.ts';

export interface NetworkPolicy {
  readonly latencyMs: number;
  /** Latency varies uniformly in latencyMs ± latencySpreadMs (never below 1 ms). */
  readonly latencySpreadMs: number;
  readonly requestLoss: number;
  readonly responseLoss: number;
  /** Chance that a request is delivered twice. */
  readonly duplicate: number;
}

export function latency(policy: NetworkPolicy, choices: Choices, label: string): number {
  const low = Math.max(1, policy.latencyMs - policy.latencySpreadMs);
  const high = Math.max(low, policy.latencyMs + policy.latencySpreadMs);
  return low === high ? low : choices.int(`${label}/latency`, low, high);
}
