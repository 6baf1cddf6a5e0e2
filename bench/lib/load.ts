import autocannon from 'autocannon';

/** What one load run measured, in the units the report prints. */
export interface LoadFigures {
  /** Responses received (any status). */
  requests: number;
  /** From the first request to the last response. */
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors and timeouts (autocannon counts a timeout as an error too). */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** True when the run hit its deadline and was stopped early. */
  stoppedAtDeadline: boolean;
}

export interface LoadOptions extends autocannon.Options {
  /** Hard stop, in seconds, whatever `duration` or `amount` say: nothing in the benchmark runs unbounded. */
  deadlineSeconds: number;
}

// autocannon notices the end of a run only at a sample tick (1 s by default): a shorter interval keeps that slack
// small, and wall times are measured to the last response anyway.
const SAMPLE_INTERVAL_MS = 100;
// A response slower than this counts as a timeout; generous, because a slow path should show as latency, not errors.
const REQUEST_TIMEOUT_S = 30;

/**
 * One autocannon run. Its time runs from autocannon's 'start' (after the connections' prebuilt requests are built)
 * to the last response, so neither that setup nor the end-of-run tick slack counts.
 */
export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const { deadlineSeconds, ...cannonOptions } = options;
  let started = performance.now();
  let lastResponse = started;
  let stoppedAtDeadline = false;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ sampleInt: SAMPLE_INTERVAL_MS, timeout: REQUEST_TIMEOUT_S, ...cannonOptions }, (error, outcome) => {
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve(outcome);
    });
    instance.once('start', () => {
      started = performance.now();
    });
    instance.on('response', () => {
      lastResponse = performance.now();
    });
    const deadline = setTimeout(() => {
      stoppedAtDeadline = true;
      instance.stop();
    }, deadlineSeconds * 1000);
  });
  return figures(result, (lastResponse - started) / 1000, stoppedAtDeadline);
}

/** Splits `items` over `lanes` as evenly as possible (the first lanes take the remainder). */
export function splitIntoLanes(items: number, lanes: number): number[] {
  return Array.from({ length: lanes }, (_, lane) => Math.floor(items / lanes) + (lane < items % lanes ? 1 : 0));
}

/**
 * Runs a multi-request workflow (e.g. "look the user up, then create it") over several concurrent lanes. Each lane
 * is its own autocannon instance with one connection and an exact `amount` of whole sequences: a single instance's
 * `amount` would be split per connection regardless of sequence boundaries, and a lane would stop mid-user.
 */
export async function runLanes(
  options: Omit<autocannon.Options, 'connections' | 'amount' | 'duration'> & { requests: autocannon.Request[]; laneSizes: number[]; deadlineSeconds: number },
): Promise<LoadFigures> {
  const { laneSizes, deadlineSeconds, requests, ...cannonOptions } = options;
  const started = performance.now();
  let lastResponse = started;
  let stoppedAtDeadline = false;
  const instances: autocannon.Instance[] = [];
  const runs = laneSizes
    .filter((size) => size > 0)
    .map(
      (size) =>
        new Promise<autocannon.RawResult>((resolve, reject) => {
          const lane = autocannon(
            {
              sampleInt: SAMPLE_INTERVAL_MS,
              timeout: REQUEST_TIMEOUT_S,
              ...cannonOptions,
              requests,
              connections: 1,
              amount: size * requests.length,
              skipAggregateResult: true,
            },
            (error, outcome) => (error ? reject(error) : resolve(outcome as unknown as autocannon.RawResult)),
          );
          lane.on('response', () => {
            lastResponse = performance.now();
          });
          instances.push(lane);
        }),
    );
  const deadline = setTimeout(() => {
    stoppedAtDeadline = true;
    for (const lane of instances) lane.stop();
  }, deadlineSeconds * 1000);
  try {
    const raw = await Promise.all(runs);
    return figures(autocannon.aggregateResult(raw, { url: cannonOptions.url }), (lastResponse - started) / 1000, stoppedAtDeadline);
  } finally {
    clearTimeout(deadline);
  }
}

function figures(result: autocannon.Result, seconds: number, stoppedAtDeadline: boolean): LoadFigures {
  const requests = result.requests.total;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
  return {
    requests,
    seconds: round(seconds, 2),
    requestsPerSecond: seconds > 0 ? Math.round(requests / seconds) : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    statusCodes,
    stoppedAtDeadline,
  };
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
