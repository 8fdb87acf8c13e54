// Property-based tests of the client-certificate rule on sites deployed through ARM templates and generic
// resources, over the real Analyzer protocol. Each run generates sites with the same generators as the
// WebApp suite (secrets and unknowns at any depth, odd values, odd kinds), writes each setting into a
// template one of several ways (literally, through a parameter value, a parameter default, or a variable),
// sometimes makes the deployment's parameter map unknown (a preview) or secret, sometimes slips in an
// expression the pack cannot resolve, and wraps it all in an azure-native Deployment, a deployment stack or
// a generic resources:Resource. The oracle is ./model.ts applied to each site's settings as ARM would see
// them (names compared without regard to case), combined over the sites:
//   a site with a known wrong value or an unresolvable value → a mandatory violation;
//   else a site with an unknown value → only the SDK's advisory "can't run … during preview";
//   else no diagnostic (not applicable when no site is in scope).
import * as assert from "assert";
import fc from "fast-check";
import { appServiceProfileFor } from "../../lib/app-service-resources";
import { WireResource } from "../../tools/analyzer/analyzer-client";
import { RunningPack } from "../../tools/analyzer/pack-process";
import { isSecretEnvelope, secret, UNKNOWN } from "../../tools/analyzer/wire";
import { ConfigureMap } from "../../tools/analyzer/analyzer-client";
import { appProperties, clientCertOptions } from "./generators";
import { Expected, expectedVerdict } from "./model";
import { checkAgainstModel } from "./property-suite";
import { ClientCertOptions, configMapFor, note, startConfiguredPack } from "./support";

const RUNS = Number(process.env.FC_RUNS_ARM ?? process.env.FC_RUNS ?? 400);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

const WEB_APP = appServiceProfileFor("azure-native:web:WebApp")!;
const SLOT = appServiceProfileFor("azure-native:web:WebAppSlot")!;
const RULE_KEYS = ["clientCertEnabled", "clientCertMode", "clientCertExclusionPaths"];
const UNRESOLVABLE = "[concat('Requi', 'red')]";

type Placement = "literal" | "parameter" | "default" | "variable";

interface GeneratedSite {
    readonly slot: boolean;
    readonly settings: Record<string, unknown>;
    readonly placements: Placement[];
    /** A rule key set to an expression the pack cannot resolve, or undefined. */
    readonly unresolvable: string | undefined;
}

const generatedSite: fc.Arbitrary<GeneratedSite> = fc.boolean().chain(slot =>
    fc.record({
        slot: fc.constant(slot),
        settings: appProperties(slot ? SLOT : WEB_APP),
        placements: fc.array(fc.constantFrom<Placement>("literal", "parameter", "default", "variable"), { minLength: 40, maxLength: 40 }),
        unresolvable: fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: fc.constantFrom(...RULE_KEYS), weight: 1 }),
    }));

interface GeneratedDeployment {
    readonly form: "Deployment" | "DeploymentStackAtSubscription" | "generic";
    readonly sites: GeneratedSite[];
    readonly parameterMap: "plain" | "secret" | "unknown";
    readonly withOtherResource: boolean;
}

const generatedDeployment: fc.Arbitrary<GeneratedDeployment> = fc.constantFrom<GeneratedDeployment["form"]>("Deployment", "DeploymentStackAtSubscription", "generic")
    .chain(form => fc.record({
        form: fc.constant(form),
        // Mostly one site (a template whose every site complies is otherwise rare), sometimes none or several.
        sites: form === "generic"
            ? fc.array(generatedSite, { minLength: 1, maxLength: 1 })
            : fc.oneof({ arbitrary: fc.array(generatedSite, { minLength: 1, maxLength: 1 }), weight: 3 }, { arbitrary: fc.array(generatedSite, { maxLength: 3 }), weight: 1 }),
        parameterMap: fc.constantFrom<GeneratedDeployment["parameterMap"]>("plain", "plain", "secret", "unknown"),
        withOtherResource: fc.boolean(),
    }));

/** A string (inside any secrets) that ARM would evaluate: such values only travel as parameter values. */
function evaluable(value: unknown): boolean {
    let inner = value;
    while (isSecretEnvelope(inner)) {
        inner = inner.value;
    }
    return typeof inner === "string" && inner.startsWith("[");
}

interface Built {
    readonly resource: WireResource;
    /** Each site's settings as the pack should resolve them, for the model. */
    readonly resolved: { slot: boolean; settings: Record<string, unknown>; unresolvable: boolean }[];
}

function build(deployment: GeneratedDeployment): Built {
    const parameters: Record<string, unknown> = {};
    const definitions: Record<string, unknown> = {};
    const variables: Record<string, unknown> = {};
    const resources: unknown[] = [];
    const resolved: Built["resolved"] = [];
    const generic = deployment.form === "generic";
    deployment.sites.forEach((site, s) => {
        const properties: Record<string, unknown> = {};
        const seen: Record<string, unknown> = {};
        let kind: unknown;
        Object.entries(site.settings).forEach(([key, value], k) => {
            let placement = generic ? "literal" : site.placements[k % site.placements.length];
            if (!generic && placement !== "parameter" && evaluable(value)) {
                placement = "parameter";
            }
            const name = `p${s}_${k}`;
            let written: unknown;
            switch (placement) {
                case "literal":
                    written = value;
                    seen[key] = value;
                    break;
                case "parameter":
                    parameters[name] = { value };
                    definitions[name] = { type: "object" };
                    written = `[parameters('${name}')]`;
                    seen[key] = deployment.parameterMap === "unknown" ? UNKNOWN : value;
                    break;
                case "default":
                    definitions[name] = { type: "object", defaultValue: value };
                    written = `[parameters('${name}')]`;
                    // With an unknown parameter map, the pack cannot know whether a value overrides the default.
                    seen[key] = deployment.parameterMap === "unknown" ? UNKNOWN : value;
                    break;
                case "variable":
                    variables[name] = value;
                    written = `[variables('${name}')]`;
                    seen[key] = value;
                    break;
            }
            if (key === "kind") {
                kind = written;
            } else {
                properties[key] = written;
            }
        });
        if (site.unresolvable !== undefined) {
            properties[site.unresolvable] = UNRESOLVABLE;
        }
        resources.push({
            type: site.slot ? "Microsoft.Web/sites/slots" : "Microsoft.Web/sites",
            apiVersion: "2023-12-01",
            name: site.slot ? `app/slot${s}` : `app${s}`,
            ...(kind === undefined ? {} : { kind }),
            properties,
        });
        resolved.push({ slot: site.slot, settings: asArmReadsIt(seen, properties), unresolvable: site.unresolvable !== undefined });
    });
    if (deployment.withOtherResource && !generic) {
        resources.push({ type: "Microsoft.Storage/storageAccounts", apiVersion: "2023-01-01", name: "st", properties: { clientCertEnabled: false, httpsOnly: false } });
    }
    if (generic) {
        const site = resources[0] as { kind?: unknown; properties: unknown };
        const slot = deployment.sites[0].slot;
        return {
            resource: {
                type: "azure-native:resources:Resource",
                name: "generic",
                properties: {
                    resourceGroupName: "rg", resourceProviderNamespace: "Microsoft.Web", apiVersion: "2023-12-01",
                    parentResourcePath: slot ? "sites/app" : "", resourceType: slot ? "slots" : "sites",
                    ...(site.kind === undefined ? {} : { kind: site.kind }),
                    properties: site.properties,
                },
            },
            resolved,
        };
    }
    const template = { $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", contentVersion: "1.0.0.0", parameters: definitions, variables, resources };
    const parameterMap = deployment.parameterMap === "unknown" ? UNKNOWN : deployment.parameterMap === "secret" ? secret(parameters) : parameters;
    const body = { template, parameters: parameterMap };
    return {
        resource: deployment.form === "Deployment"
            ? { type: "azure-native:resources:Deployment", name: "arm", properties: { resourceGroupName: "rg", properties: { mode: "Incremental", ...body } } }
            : { type: "azure-native:resources:DeploymentStackAtSubscription", name: "stack", properties: { actionOnUnmanage: { resources: "detach" }, denySettings: { mode: "none" }, ...body } },
        resolved,
    };
}

/**
 * The settings as ARM reads them: names compared without regard to case. A rule key written under two
 * spellings is ambiguous (marked by the caller as unresolvable); one other spelling counts as the key.
 */
function asArmReadsIt(seen: Record<string, unknown>, written: Record<string, unknown>): Record<string, unknown> {
    const settings = { ...seen };
    for (const key of RULE_KEYS) {
        const spellings = Object.keys(written).filter(name => name.toLowerCase() === key.toLowerCase());
        if (spellings.length > 1) {
            settings[AMBIGUOUS] = true;
        } else if (spellings.length === 1 && spellings[0] !== key) {
            settings[key] = seen[spellings[0]];
            delete settings[spellings[0]];
        }
    }
    return settings;
}

const AMBIGUOUS = "\u0000ambiguous";

/** The deployment's expected verdict: the model per site, combined. */
function expectedFor(built: Built, options: ClientCertOptions): Expected {
    const verdicts = built.resolved.map(site => {
        const { [AMBIGUOUS]: ambiguous, ...settings } = site.settings;
        const verdict = expectedVerdict(site.slot ? SLOT : WEB_APP, settings, options);
        if (verdict.outcome !== "out of scope" && (site.unresolvable || ambiguous)) {
            return { outcome: "violation", why: ["a value the pack cannot resolve"] } as Expected;
        }
        return verdict;
    });
    const violations = verdicts.filter((v): v is Extract<Expected, { outcome: "violation" }> => v.outcome === "violation");
    if (violations.length > 0) {
        return { outcome: "violation", why: violations.flatMap(v => v.why) };
    }
    const unknown = verdicts.filter((v): v is Extract<Expected, { outcome: "unknown" }> => v.outcome === "unknown");
    if (unknown.length > 0) {
        return { outcome: "unknown", why: unknown.flatMap(v => v.why) };
    }
    if (verdicts.every(v => v.outcome === "out of scope")) {
        return { outcome: "out of scope", why: verdicts.length === 0 ? "no site in the template" : "no site in scope" };
    }
    return { outcome: "compliant" };
}

describe("property: sites inside ARM templates and generic resources, through the Analyzer protocol", function () {
    this.timeout(300_000);
    let pack: RunningPack;
    let baseConfig: ConfigureMap;
    let configured = "";
    const tally: Record<string, number> = {};

    before(async () => {
        ({ pack, configMap: baseConfig } = await startConfiguredPack());
    });
    after(async () => pack?.stop());

    it(`judges ${RUNS} generated deployments as the model says`, async () => {
        const started = Date.now();
        await fc.assert(
            fc.asyncProperty(clientCertOptions, fc.array(generatedDeployment, { minLength: 1, maxLength: 4 }), async (options, deployments) => {
                const key = JSON.stringify(options);
                if (key !== configured) {
                    await pack.client.configure(configMapFor(baseConfig, options));
                    configured = key;
                }
                const built = deployments.map(build);
                const results = await Promise.all(built.map(b => pack.client.analyze(b.resource)));
                assert.ok(pack.isAlive(), "the pack process died");
                const failures: string[] = [];
                built.forEach((b, i) => {
                    const expected = expectedFor(b, options);
                    tally[`${deployments[i].form} ${expected.outcome}`] = (tally[`${deployments[i].form} ${expected.outcome}`] ?? 0) + 1;
                    const failure = checkAgainstModel(expected, results[i]);
                    if (failure !== undefined) {
                        failures.push(`${b.resource.type}: ${failure}`);
                    }
                });
                assert.deepStrictEqual(failures, []);
            }),
            { numRuns: RUNS, seed: SEED },
        );
        note(`${JSON.stringify(tally)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        const count = (forms: string[], outcome: string) => forms.reduce((sum, form) => sum + (tally[`${form} ${outcome}`] ?? 0), 0);
        for (const forms of [["Deployment", "DeploymentStackAtSubscription"], ["generic"]]) {
            for (const outcome of ["compliant", "violation", "unknown", "out of scope"]) {
                assert.ok(count(forms, outcome) > 0, `the generators produced no ${forms.join(" or ")} judged ${outcome}`);
            }
        }
    });
});
