import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { linesOf } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import type { AttributeRules } from '../types.ts';
import { FormError } from './FormError.tsx';
import { newRow, type PathValueRow, PathValueRows } from './PathValueRows.tsx';
import { StatusMessage } from './StatusMessage.tsx';

/**
 * Defaults are typed as text. `true` and `false` are booleans (for attributes such as `active`), and text that reads
 * as a JSON object or array is that object (a complex attribute); anything else, numbers too, stays text, since most
 * attributes (employeeNumber, costCenter) are strings that merely look like numbers.
 */
function parseDefault(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (/^[[{]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

function showDefault(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function rulesFrom(form: {
  required: string;
  uniqueEmail: boolean;
  uniqueExternalId: boolean;
  allowedValues: PathValueRow[];
  defaults: PathValueRow[];
}): AttributeRules {
  const named = (rows: PathValueRow[]) => rows.filter((row) => row.path.trim());
  return {
    required: linesOf(form.required),
    uniqueEmail: form.uniqueEmail,
    uniqueExternalId: form.uniqueExternalId,
    allowedValues: Object.fromEntries(
      named(form.allowedValues).map((row) => [
        row.path.trim(),
        row.value
          .split(',')
          .map((value) => value.trim())
          .filter(Boolean),
      ]),
    ),
    defaults: Object.fromEntries(named(form.defaults).map((row) => [row.path.trim(), parseDefault(row.value)])),
  };
}

/** The attribute rules of a directory, checked by Roster on every user the identity provider sends. */
export function AttributeRulesForm({ directoryId, rules }: { directoryId: string; rules: AttributeRules }) {
  const [required, setRequired] = useState((rules.required ?? []).join('\n'));
  const [uniqueEmail, setUniqueEmail] = useState(rules.uniqueEmail ?? false);
  const [uniqueExternalId, setUniqueExternalId] = useState(rules.uniqueExternalId ?? false);
  const [allowedValues, setAllowedValues] = useState(() =>
    Object.entries(rules.allowedValues ?? {}).map(([path, values]) => newRow(path, values.join(', '))),
  );
  const [defaults, setDefaults] = useState(() => Object.entries(rules.defaults ?? {}).map(([path, value]) => newRow(path, showDefault(value))));
  const [saved, setSaved] = useState('');
  const save = useAction(async () => {
    setSaved('');
    await api.saveRules(directoryId, rulesFrom({ required, uniqueEmail, uniqueExternalId, allowedValues, defaults }));
    setSaved('Rules saved');
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void save.run();
  }
  return (
    <form onSubmit={submit} className="rules-form" aria-label="Attribute rules">
      <label className="field">
        <span>Required attributes</span>
        <textarea
          value={required}
          onChange={(event) => setRequired(event.target.value)}
          rows={4}
          spellCheck={false}
          aria-describedby="required-hint"
        />
      </label>
      <p id="required-hint" className="hint">
        One attribute path a line, e.g. <code>emails</code> or{' '}
        <code>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber</code>. A user without one is refused.
      </p>
      <fieldset>
        <legend>Uniqueness</legend>
        <label className="check">
          <input type="checkbox" checked={uniqueEmail} onChange={(event) => setUniqueEmail(event.target.checked)} />
          <span>Unique email</span>
        </label>
        <label className="check">
          <input type="checkbox" checked={uniqueExternalId} onChange={(event) => setUniqueExternalId(event.target.checked)} />
          <span>Unique externalId</span>
        </label>
      </fieldset>
      <PathValueRows
        legend="Allowed values"
        rowName="rule"
        valueLabel="Values (comma-separated)"
        addLabel="Add rule"
        rows={allowedValues}
        onChange={setAllowedValues}
        hint="A user whose attribute has another value is refused."
      />
      <PathValueRows
        legend="Defaults"
        rowName="default"
        valueLabel="Value"
        addLabel="Add default"
        rows={defaults}
        onChange={setDefaults}
        hint="Set on a user who comes without the attribute. true and false are booleans."
      />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.pending}>
          Save rules
        </button>
        <StatusMessage>{saved}</StatusMessage>
      </div>
      <FormError error={save.error} />
    </form>
  );
}
