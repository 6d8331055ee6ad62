/**
 * Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay fires after 1 ms with a
 * TimeoutOverflowWarning (a 30-day run printed 18,430 of them in 20 s and never waited).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** setTimeout for any delay: a longer one is a chain of shorter timers. Returns a cancel function. */
export function longTimeout(fn: () => void, ms: number, options: { unref?: boolean } = {}): () => void {
  let timer: NodeJS.Timeout;
  const arm = (left: number) => {
    timer = left > MAX_TIMER_MS ? setTimeout(() => arm(left - MAX_TIMER_MS), MAX_TIMER_MS) : setTimeout(fn, left);
    if (options.unref) timer.unref();
  };
  arm(ms);
  return () => clearTimeout(timer);
}

/** Resolves after ms, however long; unref'd so it never keeps the process alive by itself. */
export function sleepLong(ms: number): Promise<void> {
  return new Promise((resolve) => longTimeout(resolve, ms, { unref: true }));
}
