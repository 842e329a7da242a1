/**
 * A boolean query parameter as the API server reads it (apimachinery's `Convert_Slice_string_To_bool`): absent is
 * false; otherwise only its first value counts, and that is false when it is `0` or `false` in any case, and true
 * for anything else, the empty string included (`?watch` and `?watch=` both watch).
 */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  return value !== '0' && value.toLowerCase() !== 'false';
}

/** The same for `*bool` parameters (`sendInitialEvents`): absent is undefined rather than false. */
export function queryOptionalBool(query: URLSearchParams, name: string): boolean | undefined {
  return query.has(name) ? queryBool(query, name) : undefined;
}
