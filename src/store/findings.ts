import type { Statement } from 'better-sqlite3';
import type { Finding } from '../core/finding';
import type { Db } from './handle';

/** Findings per run; replaced whole each time a run is analysed. */
export class FindingStore {
  private readonly deleteForRun: Statement;
  private readonly insert: Statement;
  private readonly select: Statement;

  constructor(private readonly db: Db) {
    this.deleteForRun = db.prepare('DELETE FROM findings WHERE run_id = ?');
    this.insert = db.prepare('INSERT INTO findings (run_id, kind, verdict, summary, data_json, analyzed_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.select = db.prepare('SELECT data_json FROM findings WHERE run_id = ? ORDER BY id');
  }

  replace(runId: number, findings: readonly Finding[], at = Date.now()): void {
    this.db.transaction(() => {
      this.deleteForRun.run(runId);
      for (const f of findings) this.insert.run(runId, f.kind, f.verdict, f.summary, JSON.stringify(f), at);
    })();
  }

  forRun(runId: number): Finding[] {
    return (this.select.all(runId) as { data_json: string }[]).map((r) => JSON.parse(r.data_json) as Finding);
  }
}
