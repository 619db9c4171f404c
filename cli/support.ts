/** What every command of the project (`npm start`, `sign`, `check`, `bench`, `smoke`, `rollback`) shares. */

/** Runs a command's main; a usage or input error prints one clear line and exits 2. */
export function runCli(usage: string, main: () => void | Promise<void>): void {
  Promise.resolve()
    .then(main)
    .catch((error: Error) => {
      console.error(`error: ${error.message}\n${usage}`);
      process.exit(2);
    });
}

/** A plain-text table: the header, a rule, then the rows, each column as wide as its widest cell. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
