/** A resource exactly as the identity provider sent it, folded away by default. */
export function RawJson({ value }: { value: unknown }) {
  return (
    <details className="raw-json">
      <summary>Raw SCIM resource</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
