export interface PathValueRow {
  /** Stable identity of the row while the list is edited. */
  key: number;
  path: string;
  value: string;
}

let lastRowKey = 0;

export function newRow(path = '', value = ''): PathValueRow {
  lastRowKey += 1;
  return { key: lastRowKey, path, value };
}

interface PathValueRowsProps {
  legend: string;
  /** What one row is called in button and field names ("rule", "default"). */
  rowName: string;
  valueLabel: string;
  addLabel: string;
  rows: PathValueRow[];
  onChange: (rows: PathValueRow[]) => void;
  hint?: string;
}

/** An editable list of attribute path → value rows, for the attribute rules that name a value per attribute. */
export function PathValueRows({ legend, rowName, valueLabel, addLabel, rows, onChange, hint }: PathValueRowsProps) {
  function update(key: number, change: Partial<PathValueRow>) {
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  }
  return (
    <fieldset className="path-value-rows">
      <legend>{legend}</legend>
      {hint && <p className="hint">{hint}</p>}
      {rows.map((row, index) => {
        // The visible labels repeat on every row; the hidden part tells the rows apart for screen readers.
        const which = <span className="visually-hidden"> of {rowName} {index + 1}</span>;
        return (
          <div key={row.key} className="path-value-row">
            <label className="field">
              <span>Attribute path{which}</span>
              <input type="text" value={row.path} onChange={(event) => update(row.key, { path: event.target.value })} spellCheck={false} />
            </label>
            <label className="field">
              <span>
                {valueLabel}
                {which}
              </span>
              <input type="text" value={row.value} onChange={(event) => update(row.key, { value: event.target.value })} />
            </label>
            <button type="button" onClick={() => onChange(rows.filter((other) => other.key !== row.key))}>
              Remove{which}
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...rows, newRow()])}>
        {addLabel}
      </button>
    </fieldset>
  );
}
