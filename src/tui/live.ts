import type { Engine } from '../engine/engine';
import type { Db } from '../store/db';
import { recoverCrashedRuns } from '../store/recover';
import { Dashboard } from './dashboard';
import { RunFeed } from './feed';

export const REDRAW_MS = 250;
const CRASH_CHECK_FRAMES = 8;

export interface LiveDashboard {
  /** Keeps the finished run on screen (verdict, findings, judged thresholds) until q or Enter. */
  hold(): Promise<void>;
  /** Gives the terminal back. */
  close(): void;
  /** Shows a line in the event log at once (what the store could not take). */
  note(text: string): void;
}

/**
 * The dashboard for a run in this process: one throttled redraw loop reading the store,
 * keys wired to the engine's controls.
 */
export function startLiveDashboard(db: Db, runId: number, engine: Engine, onQuit: () => void): LiveDashboard {
  const feed = new RunFeed(db, runId);
  const dashboard = new Dashboard({
    onQuit,
    onPause: () => engine.togglePause(),
    onNudge: (direction) => engine.nudge(direction),
  });
  const draw = () => {
    feed.poll();
    dashboard.render(
      feed.snapshot(Date.now(), {
        paused: engine.isPaused(),
        factor: engine.levelFactor(),
        steps: () => engine.liveStepSummaries().map((x) => ({ name: x.name, requests: x.requests, errors: x.errors, p95Ms: x.latencyMs.p95 })),
      }),
    );
  };
  draw();
  const timer = setInterval(draw, REDRAW_MS);
  return {
    hold: async () => {
      draw();
      await dashboard.waitForExit();
    },
    close: () => {
      clearInterval(timer);
      dashboard.destroy();
    },
    note: (text) => {
      feed.note(text);
      draw();
    },
  };
}

/** `strain watch`: the same dashboard on a run another process is writing (or has written). */
export function watchRun(db: Db, runId: number): Promise<void> {
  return new Promise((resolve) => {
    const feed = new RunFeed(db, runId);
    const dashboard = new Dashboard(
      {
        onQuit: () => {
          clearInterval(timer);
          dashboard.destroy();
          resolve();
        },
      },
      `strain watch ${runId}`,
    );
    let frames = 0;
    const draw = () => {
      // The writer may die while watched (SIGKILL): every couple of seconds its row is checked, so it ends as crashed.
      if (frames++ % CRASH_CHECK_FRAMES === 0) recoverCrashedRuns(db);
      feed.poll();
      dashboard.render(feed.snapshot(Date.now(), { paused: false, factor: 1, mode: 'watch' }));
    };
    draw();
    const timer = setInterval(draw, REDRAW_MS);
  });
}
