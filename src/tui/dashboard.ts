import blessed from 'blessed';
import contrib from 'blessed-contrib';
import type { DashboardSnapshot } from './snapshot';
import {
  cpuView,
  fitLabel,
  gpuView,
  labelEvery,
  headerLines,
  helpText,
  latencyView,
  levelView,
  logLines,
  rssView,
  throughputView,
  thresholdRows,
  thresholdsLabel,
  tokensView,
  tooSmall,
  tpotView,
  ttftView,
  type ChartView,
} from './views';

export interface DashboardHandlers {
  onQuit(): void;
  onPause?(): void;
  onNudge?(direction: 1 | -1): void;
}

type Widgets = {
  header: blessed.Widgets.BoxElement;
  latency: contrib.Widgets.LineElement;
  throughput: contrib.Widgets.LineElement;
  level: contrib.Widgets.LineElement;
  cpu: contrib.Widgets.LineElement;
  rss: contrib.Widgets.LineElement;
  /** Only once the run has GPU samples. */
  gpu?: contrib.Widgets.LineElement;
  thresholds: contrib.Widgets.TableElement;
  log: blessed.Widgets.BoxElement;
};

// Legends live in each chart's label (tags colour them), never over the newest data.
const lineOptions = (label: string) => ({
  label,
  tags: true,
  showLegend: false,
  xLabelPadding: 3,
  xPadding: 5,
  wholeNumbersOnly: false,
  style: { line: 'yellow', text: 'green', baseline: 'black' },
});

/**
 * The full-screen dashboard. It owns the terminal while it lives and always gives it back
 * (destroy on quit, on exit and on a crash). It draws snapshots; it never reads the engine.
 */
export class Dashboard {
  private readonly screen: blessed.Widgets.Screen;
  private widgets: Widgets | undefined;
  private help: blessed.Widgets.BoxElement | undefined;
  private last: DashboardSnapshot | undefined;
  private destroyed = false;
  /** A GPU panel joins the middle row once GPU samples arrive (the layout is rebuilt once). */
  private withGpu = false;
  private readonly restore = () => this.destroy();

  constructor(handlers: DashboardHandlers, title = 'strain') {
    this.screen = blessed.screen({ smartCSR: true, title, fullUnicode: true, warnings: false, dockBorders: true });
    this.screen.key(['q', 'C-c'], () => handlers.onQuit());
    this.screen.key(['p'], () => handlers.onPause?.());
    this.screen.key(['+', '='], () => handlers.onNudge?.(1));
    this.screen.key(['-', '_'], () => handlers.onNudge?.(-1));
    this.screen.key(['?'], () => this.toggleHelp());
    this.screen.on('resize', () => {
      this.build();
      if (this.last) this.render(this.last, true);
    });
    process.once('exit', this.restore);
    this.build();
  }

  private clear(): void {
    for (const child of [...this.screen.children]) child.destroy();
    this.widgets = undefined;
    this.help = undefined;
  }

  /** (Re)creates the layout for the current terminal size. */
  private build(): void {
    this.clear();
    const small = tooSmall(Number(this.screen.width), Number(this.screen.height));
    if (small) {
      blessed.box({ parent: this.screen, top: 'center', left: 'center', width: '90%', height: 5, content: small, border: { type: 'line' }, tags: false });
      return;
    }
    const grid = new contrib.grid({ rows: 12, cols: 12, screen: this.screen });
    const w = this.withGpu ? 3 : 4; // the middle row's panels share its 12 columns
    this.widgets = {
      header: grid.set(0, 0, 2, 12, blessed.box, { label: ' strain ', tags: false }) as blessed.Widgets.BoxElement,
      latency: grid.set(2, 0, 4, 6, contrib.line, lineOptions(' latency ')) as contrib.Widgets.LineElement,
      throughput: grid.set(2, 6, 4, 6, contrib.line, lineOptions(' throughput ')) as contrib.Widgets.LineElement,
      level: grid.set(6, 0, 3, w, contrib.line, lineOptions(' load ')) as contrib.Widgets.LineElement,
      cpu: grid.set(6, w, 3, w, contrib.line, lineOptions(' target CPU ')) as contrib.Widgets.LineElement,
      rss: grid.set(6, 2 * w, 3, w, contrib.line, lineOptions(' target RSS ')) as contrib.Widgets.LineElement,
      ...(this.withGpu ? { gpu: grid.set(6, 9, 3, 3, contrib.line, lineOptions(' GPU ')) as contrib.Widgets.LineElement } : {}),
      thresholds: grid.set(9, 0, 3, 5, contrib.table, {
        label: ' thresholds ',
        keys: false,
        interactive: false,
        columnSpacing: 2,
        columnWidth: [13, 10, 11, 5],
      }) as contrib.Widgets.TableElement,
      log: grid.set(9, 5, 3, 7, blessed.box, { label: ' events and findings ', tags: false, scrollable: true }) as blessed.Widgets.BoxElement,
    };
  }

  private toggleHelp(): void {
    if (this.help) {
      this.help.destroy();
      this.help = undefined;
    } else {
      const text = this.last ? helpText(this.last) : helpText({ mode: 'live', status: 'running' });
      this.help = blessed.box({
        parent: this.screen,
        top: 'center',
        left: 'center',
        width: 74,
        height: text.split('\n').length + 2,
        content: text,
        label: ' keys ',
        border: { type: 'line' },
      });
    }
    this.screen.render();
  }

  private static setLine(widget: contrib.Widgets.LineElement, view: ChartView): void {
    widget.setLabel(view.label);
    // Round ticks: the axis top is a round value and the labels fall on its even steps.
    const options = (widget as unknown as { options: { maxY?: number; numYLabels?: number; showNthLabel?: number } }).options;
    options.maxY = view.maxY;
    options.numYLabels = view.yTicks;
    options.showNthLabel = labelEvery(view.series[0]?.x.length ?? 0, Number(widget.width));
    // A line chart needs two points; until then it shows only its label.
    if (view.series[0] && view.series[0].x.length >= 2) widget.setData(view.series as unknown as contrib.Widgets.LineData[]);
  }

  /** What the charts show changes once a second; only the header moves at the redraw rate. */
  private drawnKey = '';
  private drawnHeader = '';

  render(s: DashboardSnapshot, force = false): void {
    if (this.destroyed) return;
    this.last = s;
    if (s.gpu && !this.withGpu) {
      this.withGpu = true;
      this.build();
      force = true;
    }
    const w = this.widgets;
    if (w) {
      const header = headerLines(s, Number(this.screen.width) - 4).join('\n');
      const key = `${s.t.length}:${s.t.at(-1)}:${s.cpuT.length}:${s.cpuT.at(-1)}:${s.log.length}:${s.status}:${s.plannedLevel}`;
      // Nothing on screen changed: skip the redraw (and the terminal's work) entirely.
      if (key === this.drawnKey && header === this.drawnHeader && !force) return;
      w.header.setContent(header);
      this.drawnHeader = header;
      if (key === this.drawnKey && !force) {
        this.screen.render();
        return;
      }
      this.drawnKey = key;
      // An LLM run shows TTFT, output tokens/s and TPOT where latency, throughput and load go.
      Dashboard.setLine(w.latency, s.llm ? ttftView(s, Number(w.latency.width)) : latencyView(s, Number(w.latency.width)));
      Dashboard.setLine(w.throughput, s.llm ? tokensView(s, Number(w.throughput.width)) : throughputView(s, Number(w.throughput.width)));
      Dashboard.setLine(w.level, s.llm ? tpotView(s, Number(w.level.width)) : levelView(s, Number(w.level.width)));
      Dashboard.setLine(w.cpu, cpuView(s, Number(w.cpu.width)));
      Dashboard.setLine(w.rss, rssView(s, Number(w.rss.width)));
      if (w.gpu) Dashboard.setLine(w.gpu, gpuView(s, Number(w.gpu.width)));
      w.thresholds.setLabel(fitLabel(thresholdsLabel(s), Number(w.thresholds.width)));
      w.thresholds.setData({ headers: ['metric', 'condition', s.status === 'running' ? 'now' : 'actual', ''], data: thresholdRows(s) });
      w.log.setContent(logLines(s, Math.max(1, Number(w.log.height) - 2), Number(w.log.width) - 2).join('\n'));
    }
    this.screen.render();
  }

  /** Resolves on q, Enter, Escape or Ctrl-C: the finished run stays on screen until then. */
  waitForExit(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const keys = ['q', 'enter', 'escape', 'C-c'];
      const done = () => {
        for (const k of keys) this.screen.unkey(k, done);
        resolve();
      };
      this.screen.key(keys, done);
    });
  }

  /** Gives the terminal back. Safe to call more than once. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.removeListener('exit', this.restore);
    this.screen.destroy();
  }
}
