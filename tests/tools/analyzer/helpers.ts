// Shared fixture locations for the analyzer harness tests.
import * as path from "path";

export const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures");
export const MINIMAL_PACK = path.join(FIXTURES, "minimal-pack");
export const CRASHING_PACK = path.join(FIXTURES, "crashing-pack");
/** Generous: the first start also pays for ts-node registration inside run-policy-pack. */
export const START_TIMEOUT_MS = 20_000;
