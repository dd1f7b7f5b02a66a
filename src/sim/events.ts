// The simulation's internal events: what the queue holds, one variant per thing that can happen next.

import type { ForeignCall, ForeignReply } from './handler.ts';
import type { HttpRequest, HttpResponse } from './http.ts';
import type { MessageRef } from './trace.ts';

/**
 * One try of the server's call to a foreign system: the call, the label its fates are drawn
 * under (the message that started the execution, and the step), and which try it is (1 first).
 */
export interface ForeignTry {
  readonly call: ForeignCall;
  readonly label: string;
  readonly try: number;
}

export type SimEvent =
  // ---- client ----
  | { readonly type: 'start'; readonly op: number }
  | { readonly type: 'send'; readonly op: number; readonly attempt: number; readonly cause: number }
  | {
      readonly type: 'answer';
      readonly ref: MessageRef;
      readonly response: HttpResponse;
      readonly cause: number;
    }
  | {
      readonly type: 'timeout';
      readonly op: number;
      readonly attempt: number;
      readonly cause: number;
      /** Set when the client noticed a server crash (worlds with crashNoticeMs). */
      readonly reason?: 'server-crash';
    }
  // ---- server ----
  | {
      readonly type: 'arrive';
      readonly ref: MessageRef;
      readonly request: HttpRequest;
      readonly cause: number;
    }
  | { readonly type: 'step'; readonly exec: number; readonly step: string; readonly cause: number }
  | { readonly type: 'restart'; readonly cause: number }
  /** Held answers leave together (worlds with ackEveryMs). */
  | { readonly type: 'flush' }
  // ---- foreign systems: the call reaches the system, its reply reaches the server ----
  | {
      readonly type: 'foreign-call';
      readonly exec: number;
      readonly attempt: ForeignTry;
      /** The step the execution resumes at with the reply. */
      readonly step: string;
      readonly cause: number;
    }
  | {
      readonly type: 'foreign-reply';
      readonly exec: number;
      readonly attempt: ForeignTry;
      readonly reply: ForeignReply;
      readonly step: string;
      readonly cause: number;
    }
  /** The server calls the system again after a failed try (worlds with a provider retry policy). */
  | {
      readonly type: 'foreign-retry';
      readonly exec: number;
      readonly attempt: ForeignTry;
      readonly step: string;
      readonly cause: number;
    }
  // ---- background jobs ----
  | { readonly type: 'job'; readonly job: number }
  // ---- the gateway (worlds with one): a client's message arrives, a try goes out, an answer or a timeout ----
  | {
      readonly type: 'gw-receive';
      readonly ref: MessageRef;
      readonly request: HttpRequest;
      readonly cause: number;
    }
  | {
      readonly type: 'gw-forward';
      readonly relay: number;
      readonly try: number;
      readonly cause: number;
    }
  | {
      readonly type: 'gw-answer';
      readonly relay: number;
      readonly try: number;
      readonly response: HttpResponse;
      readonly cause: number;
    }
  | {
      readonly type: 'gw-timeout';
      readonly relay: number;
      readonly try: number;
      readonly cause: number;
    };
