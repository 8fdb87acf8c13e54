// The fixtures the exemption specs share: an injected clock, one web app's URN, and a valid waiver for it.
import { ExemptionSet } from "../../lib/exemption-set";
import { RESOURCE_POLICY_NAMES } from "../../lib/policy-names";
import { isoDaysFrom } from "./dates";

// An injected clock: every date below is relative to it, none is a real date.
export const NOW = new Date(Date.UTC(2030, 0, 10, 15, 30));
export const inDays = (days: number) => isoDaysFrom(NOW, days);

export const POLICY = "azure-app-service-require-client-certificates";
export const URN = "urn:pulumi:prod::webshop::azure-native:web:WebApp::legacy-api";

export function parse(yaml: string): ExemptionSet {
    return ExemptionSet.parse(yaml, RESOURCE_POLICY_NAMES);
}

export function entryYaml(fields: Record<string, unknown>): string {
    return `exemptions:\n  - ${Object.entries(fields).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("\n    ")}\n`;
}

export const WAIVER = { urn: URN, reason: "Partner client cannot present certificates yet", category: "waiver", expires: inDays(30) };

// The webshop stack's exemptions file, shared by the specs of the exemptions applied to a rule's judgement
// and of the report: one entry per situation (in force, expiring, expired, stale, unused, another project,
// malformed), tag exemptions allowed. Its own clock, so the dates stay apart from the ones above.
export const WEBSHOP_NOW = new Date(Date.UTC(2030, 5, 1, 8));
export const webshopInDays = (days: number) => isoDaysFrom(WEBSHOP_NOW, days);
export const WEB_APP = "azure-native:web:WebApp";
export const webshopUrn = (name: string, type = WEB_APP) => `urn:pulumi:prod::webshop::${type}::${name}`;

export const WEBSHOP_EXEMPTIONS_FILE = `
settings:
  tagExemptions: {allowed: true}
exemptions:
  - {urn: "${webshopUrn("exempt-app")}", reason: "Partner client migrating", category: waiver, expires: "${webshopInDays(60)}", ticket: SEC-1, approvedBy: jane}
  - {urn: "${webshopUrn("soon-app")}", reason: "Ends soon", category: waiver, expires: "${webshopInDays(3)}"}
  - {urn: "${webshopUrn("expired-app")}", reason: "Was migrating", category: waiver, expires: "${webshopInDays(-2)}"}
  - {urn: "${webshopUrn("stale-app")}", reason: "Behind Front Door", category: mitigated}
  - {urn: "${webshopUrn("gone-app")}", reason: "Deleted app", category: mitigated}
  - {urn: "urn:pulumi:prod::payments::*::other", reason: "Another project", category: mitigated}
  - {urn: "${webshopUrn("broken-app")}", reason: "Bad date", category: waiver, expires: "2030-02-30"}
`;
