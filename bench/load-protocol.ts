/** The messages between the orchestrator and the load generator (`bench/load.ts`), over IPC. */

/** Where each request's token comes from. */
export type TokenSource =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed'; readonly token: string }
  /** One line of the file per request, in order; never repeats until `reset` (then `poolWrapped`). */
  | { readonly kind: 'pool'; readonly file: string }
  /** HS256 tokens signed on the fly with node:crypto, all distinct for the life of the load generator. */
  | { readonly kind: 'generate-hs256'; readonly secretFile: string };

export interface LoadRequest {
  readonly type: 'run';
  readonly id: number;
  readonly url: string;
  readonly connections: number;
  readonly warmupSec: number;
  /** Seconds to measure; ignored when `amount` is given. */
  readonly durationSec: number;
  /** Stop after this many requests instead of after `durationSec`. */
  readonly amount?: number;
  readonly tokens: TokenSource;
}

/** Starts every pool over (a new server process has an empty cache). */
export interface ResetRequest {
  readonly type: 'reset';
}

export interface StopRequest {
  readonly type: 'stop';
}

export type LoadCommand = LoadRequest | ResetRequest | StopRequest;

export interface LoadResult {
  /** Responses per second over the measured period. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly total: number;
  readonly durationSec: number;
  /** Responses counted by status code. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly timeouts: number;
  /** A pool ran out and started over since the last `reset`: the same token was sent twice to one server. */
  readonly poolWrapped: boolean;
}

export type LoadReply =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: LoadResult }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
