// Property-based tests of azure-app-service-require-client-certificates through the real Analyzer
// protocol, on the azure-native types: azure-native:web:WebApp, azure-native:web:WebAppSlot and every
// versioned token azure-native:web/v<8 digits>[preview]:WebApp|WebAppSlot, 2,000 generated apps each.
// The classic provider's types run in classic-types.property.spec.ts (one pack per file, each file
// within about a minute). See property-suite.ts for the invariants and model.ts for the oracle.
import { NATIVE_TYPES, propertySuite } from "./property-suite";

propertySuite("property: client certificates through the Analyzer protocol (azure-native)", NATIVE_TYPES);
