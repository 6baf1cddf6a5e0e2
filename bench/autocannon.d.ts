// autocannon ships no type declarations (and @types/autocannon is not a dependency): these cover the part of its
// programmatic API that the benchmark uses. See node_modules/autocannon/README.md.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    type Context = Record<string, unknown>;

    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      [key: string]: unknown;
    }

    /** Returns the request to send; a falsy return restarts the client's sequence at the first request. */
    type SetupRequest = (request: RequestParams, context: Context) => RequestParams | null | undefined;
    type OnResponse = (status: number, body: string, context: Context, headers: Record<string, string | string[]>) => void;

    interface Request extends RequestParams {
      setupRequest?: SetupRequest;
      onResponse?: OnResponse;
    }

    /** One connection; `setupClient` may give it its own request sequence before it connects. */
    interface Client {
      setRequests(requests: Request[]): void;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds; ignored when `amount` is set. */
      duration?: number;
      /** Exact number of requests, split evenly over the connections. */
      amount?: number;
      maxOverallRequests?: number;
      /** Requests per second over all connections: an offered rate, rather than as fast as the server answers. */
      overallRate?: number;
      /** Milliseconds between samples; the run notices its end only at a sample tick. */
      sampleInt?: number;
      /** Seconds a response may take before autocannon counts a timeout and reconnects. */
      timeout?: number;
      pipelining?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
      setupClient?: (client: Client) => void;
      title?: string;
      skipAggregateResult?: boolean;
    }

    interface Stats {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p99: number;
      [percentile: string]: number;
    }

    interface Result {
      title?: string;
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Stats;
      requests: Stats & { sent: number };
      throughput: Stats;
    }

    /** Un-aggregated result of one instance run with `skipAggregateResult`; only `aggregateResult` reads it. */
    type RawResult = { readonly __raw: unique symbol };

    interface Instance extends EventEmitter {
      stop(): void;
    }

    function aggregateResult(results: RawResult[], opts: Pick<Options, 'url'> & Partial<Options>): Result;
  }

  function autocannon(options: autocannon.Options, done: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;

  export = autocannon;
}
