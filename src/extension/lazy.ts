/** Loads the core bundle (dist/engine.js) on first use. */
import type * as Engine from './engine';

let loaded: typeof Engine | undefined;

export function engine(): typeof Engine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('./engine') as typeof Engine);
}
