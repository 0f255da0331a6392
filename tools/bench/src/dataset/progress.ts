/**
 * The generator's progress on stderr: one bar for every row of every table, the rate, and the tables
 * being written. Redrawn in place on a terminal; a plain line every few seconds otherwise
 * (CI logs, files), so a log never fills with carriage returns.
 */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  private readonly started = Date.now();
  private readonly done = new Map<string, number>();
  /** Tables being written, with their subgraph. */
  private readonly current = new Map<string, string>();
  private lastDrawn = 0;
  private written = 0;

  constructor(
    private readonly totals: ReadonlyMap<string, number>,
    private readonly sink: ProgressSink | null,
  ) {}

  private get total(): number {
    let total = 0;
    for (const value of this.totals.values()) total += value;
    return total;
  }

  /** `service` is now writing `table`. */
  startTable(service: string, table: string): void {
    this.current.set(table, service);
    this.draw(false);
  }

  endTable(table: string): void {
    this.current.delete(table);
  }

  add(table: string, rows: number): void {
    this.done.set(table, (this.done.get(table) ?? 0) + rows);
    this.written += rows;
    this.draw(false);
  }

  /** The last drawing, then a new line. */
  finish(): void {
    this.current.clear();
    this.draw(true);
    if (this.sink?.isTTY) this.sink.write('\n');
  }

  private draw(force: boolean): void {
    if (!this.sink) return;
    const now = Date.now();
    const every = this.sink.isTTY ? 200 : 5_000;
    if (!force && now - this.lastDrawn < every) return;
    this.lastDrawn = now;
    const total = this.total;
    const share = total === 0 ? 1 : this.written / total;
    const width = 30;
    const filled = Math.round(share * width);
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(this.written / seconds) : 0;
    const tables = [...this.current]
      .map(([table, service]) => `${service}.${table} ${format(this.done.get(table) ?? 0)}/${format(this.totals.get(table) ?? 0)}`)
      .join(' · ');
    const line =
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ` +
      `${format(this.written)}/${format(total)} rows · ${format(rate)} rows/s · ${seconds.toFixed(0)} s${tables ? ` · ${tables}` : ''}`;
    this.sink.write(this.sink.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  }
}

export function format(value: number): string {
  return value.toLocaleString('en-US');
}
