import { describeError } from '../format.ts';

/** A failure to show where it happened; role="alert" has screen readers read it out as it appears. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="form-error">
      {describeError(error)}
    </p>
  );
}
