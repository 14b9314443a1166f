/** How a command prints: JSON for machines (`--json`), aligned text for people. */
export interface Output {
  json: boolean;
  /** Prints a value: as JSON, or via `human` for people. */
  print(value: unknown, human?: () => string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    print(value, human) {
      if (json || !human) console.log(JSON.stringify(value, null, json ? 0 : 2));
      else console.log(human());
    },
  };
}

/** A simple text table for lists. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c])));
  const widths = columns.map((c, i) =>
    Math.max(c.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

function formatCell(v: unknown): string {
  if (Array.isArray(v)) return v.join(' ');
  if (v === undefined || v === null) return '';
  return String(v);
}
