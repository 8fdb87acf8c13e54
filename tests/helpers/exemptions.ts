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
