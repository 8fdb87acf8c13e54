// Property-based tests of azure-app-service-require-client-certificates through the real Analyzer
// protocol, on every classic-provider type (azure:appservice/...) that lib/app-service-resources.ts
// declares when the tests run, property names taken from each type's profile. Skipped while the lib
// declares none. See property-suite.ts for the invariants and model.ts for the oracle.
import { CLASSIC_TYPES_UNDER_TEST, propertySuite } from "./property-suite";

propertySuite("property: client certificates through the Analyzer protocol (classic azure provider)", CLASSIC_TYPES_UNDER_TEST);
