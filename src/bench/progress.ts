// Progress on stderr: a cli-progress bar per suite when stderr is a terminal, otherwise one line per
// finished case (CI logs, pipes). Never writes to stdout, which carries the table or JSON.

import cliProgress from 'cli-progress';

export interface Progress {
  suiteStart(suite: string, cases: number): void;
  caseStart(suite: string, name: string): void;
  /** What a case is about to measure (its dataset), printed before timing it. */
  detail(line: string): void;
  caseDone(suite: string, name: string, summary: string): void;
  suiteEnd(suite: string, status: string, note?: string): void;
  note(line: string): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

/** Collects nothing and prints nothing (tests, -o json piped somewhere quiet). */
export const silentProgress: Progress = {
  suiteStart() {}, caseStart() {}, detail() {}, caseDone() {}, suiteEnd() {}, note() {}, stop() {},
};

class LineProgress implements Progress {
  private done = 0;
  private total = 0;
  constructor(private readonly out: NodeJS.WritableStream) {}
  suiteStart(suite: string, cases: number): void {
    this.done = 0;
    this.total = cases;
    this.out.write(`bench: ${suite}: ${cases} case(s)\n`);
  }
  caseStart(): void {}
  detail(line: string): void {
    this.out.write(`bench:   ${line}\n`);
  }
  caseDone(suite: string, name: string, summary: string): void {
    this.done++;
    this.out.write(`bench: ${suite} [${this.done}/${this.total}] ${name}${summary ? `: ${summary}` : ''}\n`);
  }
  suiteEnd(suite: string, status: string, note?: string): void {
    if (status !== 'completed' || note) this.out.write(`bench: ${suite} ${status}${note ? `: ${note}` : ''}\n`);
  }
  note(line: string): void {
    this.out.write(`bench: ${line}\n`);
  }
  stop(): void {}
}

class BarProgress implements Progress {
  private bar: cliProgress.SingleBar | undefined;
  constructor(private readonly out: NodeJS.WriteStream) {}
  suiteStart(suite: string, cases: number): void {
    this.bar = new cliProgress.SingleBar({
      stream: this.out,
      format: `${suite.padEnd(10)} {bar} {value}/{total} {case}`,
      hideCursor: true,
      clearOnComplete: false,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(cases, 0, { case: '' });
  }
  caseStart(_suite: string, name: string): void {
    this.bar?.update({ case: name });
  }
  detail(line: string): void {
    this.bar?.update({ case: line.length > 100 ? `${line.slice(0, 97)}...` : line });
  }
  caseDone(_suite: string, name: string, summary: string): void {
    this.bar?.increment(1, { case: `${name}${summary ? `: ${summary}` : ''}` });
  }
  suiteEnd(suite: string, status: string, note?: string): void {
    this.bar?.stop();
    this.bar = undefined;
    if (status !== 'completed' || note) this.out.write(`bench: ${suite} ${status}${note ? `: ${note}` : ''}\n`);
  }
  note(line: string): void {
    // Printed above the bar: cli-progress redraws it on the next update.
    if (this.bar) this.out.write('\n');
    this.out.write(`bench: ${line}\n`);
  }
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
