import type { Loaded } from '../use-api';
import { Busy } from './busy';
import { PageError } from './error-box';

/** How a page's read stands before its data shows: the error, or a spinner while the first load runs. */
export function LoadStatus({ loaded }: { loaded: Loaded<unknown> }) {
  return (
    <>
      {loaded.error ? <PageError error={loaded.error} /> : null}
      {loaded.loading && !loaded.data ? <Busy /> : null}
    </>
  );
}
