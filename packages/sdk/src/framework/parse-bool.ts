/**
 * Go's strconv.ParseBool, which Vault applies to every boolean query and
 * form parameter (`?list=True`, `?standbyok=t`, `leased_passthrough=1`).
 * Returns undefined for anything else, so the caller can answer 400.
 */
export function parseBool(value: string): boolean | undefined {
  switch (value) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'TRUE':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'FALSE':
    case 'False':
      return false;
    default:
      return undefined;
  }
}
