import * as assert from "assert";
import { UnknownValueError } from "@pulumi/policy";
import { appServiceProfileFor } from "../../lib/app-service-resources";
import { AppScope, appScope, isManagedEnvironmentId, kindTokens, ScopeOptions } from "../../lib/app-service-scope";
import { Unknown } from "../../lib/observed-values";
import { UNKNOWN } from "../helpers/policy-test-utils";

const WEB_APP = appServiceProfileFor("azure-native:web:WebApp")!;
const CLASSIC_FUNCTION_APP = appServiceProfileFor("azure:appservice/linuxFunctionApp:LinuxFunctionApp")!;
const LOGIC_APP = appServiceProfileFor("azure:logicapps/standard:Standard")!;
const ENVIRONMENT = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";
const ALL: ScopeOptions = { includeFunctionApps: true, includeWorkflowApps: true };
const WITHOUT_FUNCTIONS: ScopeOptions = { includeFunctionApps: false, includeWorkflowApps: true };
const WITHOUT_WORKFLOWS: ScopeOptions = { includeFunctionApps: true, includeWorkflowApps: false };
const CONTAINER_APPS: ScopeOptions = { ...ALL, containerAppsReason: "judge the container app's ingress instead" };

const byKind = (kind: unknown, scope: ScopeOptions, managedEnvironmentId?: unknown): AppScope =>
    appScope(WEB_APP, { kind, managedEnvironmentId }, scope);

describe("app-service-scope", () => {
    it("splits kind into lower-cased, trimmed tokens, and reads nothing from a kind that is not a string", () => {
        assert.deepStrictEqual(kindTokens(" FunctionApp, Linux ,,"), ["functionapp", "linux"]);
        assert.deepStrictEqual(kindTokens("functionapp;linux"), ["functionapp;linux"]);
        assert.deepStrictEqual(kindTokens(["functionapp"]), []);
        assert.deepStrictEqual(kindTokens(undefined), []);
    });

    it("knows a Container Apps managed environment's ARM ID, in any case", () => {
        assert.ok(isManagedEnvironmentId(ENVIRONMENT));
        assert.ok(isManagedEnvironmentId(ENVIRONMENT.toUpperCase()));
        assert.ok(!isManagedEnvironmentId(`${ENVIRONMENT}/extra`));
        assert.ok(!isManagedEnvironmentId("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan"));
    });

    it("judges every app under the default options, whatever its kind says", () => {
        for (const kind of ["app", "functionapp", "functionapp,workflowapp", undefined, 42, new Unknown(new UnknownValueError(UNKNOWN, ["kind"]))]) {
            assert.strictEqual(byKind(kind, ALL).inScope, true, String(kind));
        }
        assert.deepStrictEqual(byKind("functionapp,linux", ALL), { inScope: true, appKind: "function app" });
        assert.deepStrictEqual(byKind("FunctionApp,WorkflowApp", ALL), { inScope: true, appKind: "workflow app" });
    });

    it("leaves function apps out only with includeFunctionApps false, saying that this trusts kind", () => {
        const out = byKind("functionapp", WITHOUT_FUNCTIONS);
        assert.ok(!out.inScope && /includeFunctionApps option is false; this trusts kind/.test(out.reason));
        assert.deepStrictEqual(byKind("app,workflowapp", WITHOUT_FUNCTIONS), { inScope: true, appKind: "web app" });
        assert.deepStrictEqual(byKind("functionapp,workflowapp", WITHOUT_FUNCTIONS), { inScope: true, appKind: "workflow app" });
    });

    it("leaves workflow apps out only with includeWorkflowApps false; a web app claiming workflowapp stays a web app", () => {
        const out = byKind("functionapp,workflowapp", WITHOUT_WORKFLOWS);
        assert.ok(!out.inScope && /includeWorkflowApps option is false/.test(out.reason));
        assert.deepStrictEqual(byKind("workflowapp", WITHOUT_WORKFLOWS), { inScope: true, appKind: "web app" });
    });

    it("places classic types by their type, not by kind", () => {
        assert.deepStrictEqual(appScope(CLASSIC_FUNCTION_APP, { kind: "app" }, ALL), { inScope: true, appKind: "function app" });
        const out = appScope(CLASSIC_FUNCTION_APP, { kind: "app" }, WITHOUT_FUNCTIONS);
        assert.ok(!out.inScope && !/trusts kind/.test(out.reason));
        assert.deepStrictEqual(appScope(LOGIC_APP, { kind: undefined }, ALL), { inScope: true, appKind: "workflow app" });
    });

    it("leaves an app on Container Apps out only when kind and managedEnvironmentId both place it there", () => {
        const kind = "functionapp,linux,container,azurecontainerapps";
        const out = byKind(kind, CONTAINER_APPS, ENVIRONMENT);
        assert.ok(!out.inScope && out.reason.endsWith(": judge the container app's ingress instead"));
        const labelOnly = byKind(kind, CONTAINER_APPS, undefined);
        assert.ok(labelOnly.inScope && /managedEnvironmentId is not set, not the ID of a managed environment/.test(labelOnly.note ?? ""));
        const unknown = byKind(kind, CONTAINER_APPS, new Unknown(new UnknownValueError(UNKNOWN, ["managedEnvironmentId"])));
        assert.ok(unknown.inScope && /unknown during preview/.test(unknown.note ?? ""));
        assert.deepStrictEqual(byKind("functionapp,linux", CONTAINER_APPS, ENVIRONMENT), { inScope: true, appKind: "function app" });
        // A rule that judges sites on Container Apps gives no reason, and judges them.
        assert.deepStrictEqual(byKind(kind, ALL, ENVIRONMENT), { inScope: true, appKind: "function app" });
    });
});
