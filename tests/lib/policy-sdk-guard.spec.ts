// Pins what lib/policy-sdk-guard.ts relies on in the installed @pulumi/policy. Each assertion fails loudly
// when an SDK upgrade changes it: then read the new server.js and deserialize.js, and adapt or drop the guard.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { appServiceResourcePolicy } from "../../lib/app-service-policy";
import {
    engineStack,
    guardedDeserializer,
    installPolicySdkGuard,
    isUnreadableMarker,
    resetEngineStack,
    sdkDeserializer,
} from "../../lib/policy-sdk-guard";
import { clientCertificateRule } from "../../policies/app-service-require-client-certificates";
import { UNREADABLE_VALUES } from "../helpers/unreadable-values";

const policyDir = path.dirname(require.resolve("@pulumi/policy"));
const serverSource = fs.readFileSync(path.join(policyDir, "server.js"), "utf8");
// The SDK's own protobuf classes, as its server.js requires them.
const sdkRequire = require("module").createRequire(require.resolve("@pulumi/policy"));
const analyzerProto = sdkRequire("@pulumi/pulumi/proto/analyzer_pb");
const SdkStruct: typeof Struct = sdkRequire("google-protobuf/google/protobuf/struct_pb").Struct;

function struct(value: Record<string, unknown>) {
    return SdkStruct.fromJavaScript(value as never);
}

/** The body of one function in server.js, up to the next top-level function. */
function serverFunction(name: string): string {
    const start = serverSource.indexOf(`function ${name}(`);
    assert.ok(start >= 0, `server.js has no function ${name}`);
    const next = serverSource.indexOf("\nfunction ", start + 1);
    return serverSource.slice(start, next < 0 ? undefined : next);
}

describe("lib/policy-sdk-guard against the installed @pulumi/policy", () => {
    it("is the SDK version the guard was written against", () => {
        const version = JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8")).version;
        assert.match(version, /^v?1\.21\./, `@pulumi/policy is ${version}: re-check server.js and deserialize.js`);
    });

    it("installs both hooks", () => {
        assert.deepStrictEqual(installPolicySdkGuard(), []);
        assert.notStrictEqual(sdkRequire("./deserialize").deserializeProperties, sdkDeserializer());
    });

    it("server.js reaches the deserializer through the module's exports in Analyze, AnalyzeStack, Remediate and for providers", () => {
        for (const name of ["makeAnalyzeRpcFun", "makeAnalyzeStackRpcFun", "makeRemediateRpcFun", "getProviderResource"]) {
            assert.match(serverFunction(name), /deserialize_1\.deserializeProperties\(/, `${name} no longer calls deserialize_1.deserializeProperties`);
        }
        assert.doesNotMatch(serverSource, /const \{[^}]*deserializeProperties[^}]*\} = require/, "server.js destructures the deserializer: the guard would not reach it");
    });

    it("Analyze deserializes props for a policy with no attached type, and Remediate does so outside its try", () => {
        const analyze = serverFunction("makeAnalyzeRpcFun");
        assert.ok(analyze.indexOf("getPulumiType(p.validateResource)") < analyze.indexOf("deserializeProperties("));
        const remediate = serverFunction("makeRemediateRpcFun");
        assert.ok(remediate.indexOf("deserializeProperties(") < remediate.indexOf("try {"),
            "Remediate now deserializes inside its try: the hang this guards against may be gone");
    });

    for (const [label, value] of UNREADABLE_VALUES) {
        it(`the SDK's own deserializer still throws on ${label}, and the guard does not`, () => {
            const props = struct({ ok: "kept", odd: value });
            for (const proxySecrets of [false, true]) {
                assert.throws(() => sdkDeserializer()(props, proxySecrets), `@pulumi/policy now reads ${label}`);
                const read = guardedDeserializer(sdkDeserializer())(props, proxySecrets);
                assert.strictEqual(read.ok, "kept");
                assert.ok(isUnreadableMarker(read.odd), `${label}: ${JSON.stringify(read.odd)}`);
            }
        });
    }

    it("the guard returns exactly what the SDK returns for what it can read", () => {
        const value = { a: [1, "x", null, { b: true }], s: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "v" } };
        assert.deepStrictEqual(guardedDeserializer(sdkDeserializer())(struct(value), false), sdkDeserializer()(struct(value), false));
    });

    it("Analyze, run in-process as server.js runs it, answers for a hash-only asset", async () => {
        installPolicySdkGuard();
        const server = require(path.join(policyDir, "server.js"));
        const analyze = server.makeAnalyzeRpcFun("pack", "0.0.1", "mandatory", [appServiceResourcePolicy(clientCertificateRule)]);
        const request = new analyzerProto.AnalyzeRequest();
        request.setType("azure-native:storage:Blob");
        request.setUrn("urn:pulumi:dev::p::azure-native:storage:Blob::b");
        request.setName("b");
        request.setProperties(struct({ source: UNREADABLE_VALUES[0][1] }));
        request.setOptions(new analyzerProto.AnalyzerResourceOptions());
        const [error, response] = await new Promise<[unknown, unknown]>(resolve => analyze({ request }, (e: unknown, r: unknown) => resolve([e, r])));
        assert.strictEqual(error ?? undefined, undefined);
        assert.ok(response);
    });

    it("learns the organization, project and stack from ConfigureStack, where the SDK keeps only the tags", () => {
        installPolicySdkGuard();
        resetEngineStack();
        assert.match(serverFunction("configureStack"), /call\.request\.getTagsMap\(\)/);
        const request = new analyzerProto.AnalyzerStackConfigureRequest();
        request.setOrganization("acme");
        request.setProject("shop");
        request.setStack("prod");
        request.getTagsMap();
        assert.deepStrictEqual(engineStack(), { organization: "acme", project: "shop", stack: "prod" });
        resetEngineStack();
    });
});
