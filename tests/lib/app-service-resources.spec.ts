import * as assert from "assert";
import { appServiceProfileFor, CLASSIC_TYPES } from "../../lib/app-service-resources";

describe("appServiceProfileFor", () => {
    const judged: [string, string, boolean][] = [
        ["azure-native:web:WebApp", "WebApp", false],
        ["azure-native:web:WebAppSlot", "WebAppSlot", true],
        ["azure-native:web/v20150801:WebApp", "WebApp", false],
        ["azure-native:web/v20220901:WebApp", "WebApp", false],
        ["azure-native:web/v20220901:WebAppSlot", "WebAppSlot", true],
        ["azure-native:web/v20231201preview:WebAppSlot", "WebAppSlot", true],
        ["azure-native:web/v20260301preview:WebApp", "WebApp", false],
        // Local packages from `pulumi package add azure-native web <version>` (both token forms of v3).
        ["azure-native_web_v20240401:web:WebApp", "WebApp", false],
        ["azure-native_web_v20240401:web:WebAppSlot", "WebAppSlot", true],
        ["azure-native_web_v20240401:web/v20240401:WebApp", "WebApp", false],
        ["azure-native_web_v20231201preview:web/v20231201preview:WebAppSlot", "WebAppSlot", true],
        ["azure-native_Web_v20240401:Web:WebApp", "WebApp", false],
        // The deprecated azure-nextgen provider.
        ["azure-nextgen:web/latest:WebApp", "WebApp", false],
        ["azure-nextgen:web/v20200601:WebApp", "WebApp", false],
        ["azure-nextgen:web/v20201001:WebAppSlot", "WebAppSlot", true],
    ];
    for (const [type, resourceName, isSlot] of judged) {
        it(`judges ${type}`, () => {
            const profile = appServiceProfileFor(type);
            assert.ok(profile, `${type} must be judged`);
            assert.strictEqual(profile.provider, "azure-native");
            assert.strictEqual(profile.resourceName, resourceName);
            assert.strictEqual(profile.isSlot, isSlot);
            assert.strictEqual(profile.functionApp, "by-kind");
            assert.deepStrictEqual(profile.clientCertificates, {
                form: "enabled-and-mode",
                enabled: "clientCertEnabled",
                mode: "clientCertMode",
                exclusionPaths: "clientCertExclusionPaths",
            });
            assert.strictEqual(profile.properties.httpsOnly, "httpsOnly");
            assert.deepStrictEqual(profile.properties.minTlsVersion, ["siteConfig", "minTlsVersion"]);
            assert.deepStrictEqual(profile.omittedMode, { value: "Required", appliedBy: "service" });
        });
    }

    // Every classic token as @pulumi/azure v6 registers it (appservice/<name>.js `__pulumiType`), with the
    // names its Args use (see the research notes): [token, resourceName, isSlot, functionApp, certificates,
    // TLS property inside siteConfig, default mode when omitted].
    const CURRENT = { form: "enabled-and-mode", enabled: "clientCertificateEnabled", mode: "clientCertificateMode", exclusionPaths: "clientCertificateExclusionPaths" };
    const classic: [string, string, boolean, boolean, object, string, object][] = [
        ["azure:appservice/linuxWebApp:LinuxWebApp", "LinuxWebApp", false, false, CURRENT, "minimumTlsVersion", { value: "Required", appliedBy: "provider" }],
        ["azure:appservice/windowsWebApp:WindowsWebApp", "WindowsWebApp", false, false, CURRENT, "minimumTlsVersion", { value: "Required", appliedBy: "provider" }],
        ["azure:appservice/linuxWebAppSlot:LinuxWebAppSlot", "LinuxWebAppSlot", true, false, CURRENT, "minimumTlsVersion", { value: "Required", appliedBy: "provider" }],
        ["azure:appservice/windowsWebAppSlot:WindowsWebAppSlot", "WindowsWebAppSlot", true, false, CURRENT, "minimumTlsVersion", { value: "Required", appliedBy: "provider" }],
        ["azure:appservice/linuxFunctionApp:LinuxFunctionApp", "LinuxFunctionApp", false, true, CURRENT, "minimumTlsVersion", { value: "Optional", appliedBy: "provider" }],
        ["azure:appservice/windowsFunctionApp:WindowsFunctionApp", "WindowsFunctionApp", false, true, CURRENT, "minimumTlsVersion", { value: "Optional", appliedBy: "provider" }],
        ["azure:appservice/linuxFunctionAppSlot:LinuxFunctionAppSlot", "LinuxFunctionAppSlot", true, true, CURRENT, "minimumTlsVersion", { value: "Optional", appliedBy: "provider" }],
        ["azure:appservice/windowsFunctionAppSlot:WindowsFunctionAppSlot", "WindowsFunctionAppSlot", true, true, CURRENT, "minimumTlsVersion", { value: "Optional", appliedBy: "provider" }],
        ["azure:appservice/appService:AppService", "AppService", false, false,
            { form: "enabled-and-mode", enabled: "clientCertEnabled", mode: "clientCertMode" }, "minTlsVersion", { value: "Required", appliedBy: "service" }],
        ["azure:appservice/slot:Slot", "Slot", true, false, { form: "unsupported" }, "minTlsVersion", { value: "Required", appliedBy: "service" }],
        ["azure:appservice/functionApp:FunctionApp", "FunctionApp", false, true,
            { form: "mode-implies-enabled", mode: "clientCertMode" }, "minTlsVersion", { value: "Required", appliedBy: "service" }],
        ["azure:appservice/functionAppSlot:FunctionAppSlot", "FunctionAppSlot", true, true, { form: "unsupported" }, "minTlsVersion", { value: "Required", appliedBy: "service" }],
        // @pulumi/azure 6.40 appservice/appFlexConsumption.d.ts: the current names, mode "Defaults to `Optional`".
        ["azure:appservice/appFlexConsumption:AppFlexConsumption", "AppFlexConsumption", false, true, CURRENT, "minimumTlsVersion", { value: "Optional", appliedBy: "provider" }],
        // @pulumi/azure 6.40 logicapps/standard.d.ts: clientCertificateMode only (azurerm enables certificates
        // exactly when it is set), siteConfig.minTlsVersion from 1.0 to 1.3.
        ["azure:logicapps/standard:Standard", "logicapps.Standard", false, true, { form: "mode-implies-enabled", mode: "clientCertificateMode" },
            "minTlsVersion", { value: "Required", appliedBy: "service" }],
    ];
    const NOT_LEGACY = new Set(["azure:logicapps/standard:Standard"]);
    for (const [type, resourceName, isSlot, functionApp, certificates, tlsProperty, omittedMode] of classic) {
        it(`judges the classic ${type}`, () => {
            const profile = appServiceProfileFor(type);
            assert.ok(profile, `${type} must be judged`);
            assert.strictEqual(profile.provider, "azure");
            assert.strictEqual(profile.resourceName, resourceName);
            assert.strictEqual(profile.isSlot, isSlot);
            assert.strictEqual(profile.functionApp, functionApp);
            assert.deepStrictEqual(profile.clientCertificates, certificates);
            assert.strictEqual(profile.properties.httpsOnly, "httpsOnly");
            assert.deepStrictEqual(profile.properties.minTlsVersion, ["siteConfig", tlsProperty]);
            assert.deepStrictEqual(profile.omittedMode, omittedMode);
            // The legacy resources accept TLS 1.0 to 1.2 only and are replaced by the Linux/Windows ones.
            const legacy = tlsProperty === "minTlsVersion" && !NOT_LEGACY.has(type);
            assert.strictEqual(profile.highestMinTlsVersion, legacy ? "1.2" : "1.3");
            assert.strictEqual(profile.replacedBy !== undefined, legacy);
        });
    }

    it("marks Logic Apps Standard, and only it, as a workflow app", () => {
        for (const [type] of classic) {
            assert.strictEqual(appServiceProfileFor(type)!.workflowApp === true, type === "azure:logicapps/standard:Standard", type);
        }
    });

    it("lists exactly the fourteen classic tokens", () => {
        assert.deepStrictEqual([...CLASSIC_TYPES].sort(), classic.map(([type]) => type).sort());
    });

    const lookAlikes = [
        "azure-native:web:WebAppSlotConfigurationNames",
        "azure-native:web:WebAppSettings",
        "azure-native:web:WebAppApplicationSettings",
        "azure-native:web:WebAppSiteContainer",
        "azure-native:web:webapp",
        "azure-native:webx:WebApp",
        "azure-native:web/v2022:WebApp",
        "azure-native:web/v20220901:WebAppX",
        "azure-native:web/v20220901/extra:WebApp",
        "azure-native_web_v20240401:web:WebAppSlotConfigurationNames",
        "azure-native_web_v20240401:web:WebAppSettings",
        "azure-native_webpubsub_v20240401:webpubsub:WebApp",
        "azure-native_web_v20240401:webpubsub:WebApp",
        "azure-native_webx_v20240401:web:WebApp",
        "azure-native_web_20240401:web:WebApp",
        "azure-native_web:web:WebApp",
        "azure-native_web_v20240401:web/2024:WebApp",
        "azure-native_storage_v20240401:storage:StorageAccount",
        "xazure-native_web_v20240401:web:WebApp",
        "azure-nextgen:web:WebApp",
        "azure-nextgen:web/v2020:WebApp",
        "azure-nextgen:web/latest:WebAppSlotConfigurationNames",
        "azure-nextgen:webx/latest:WebApp",
        "xazure-native:web:WebApp",
        "azure-native:web:WebApp ",
        "azure-native:storage:StorageAccount",
        "azure-native:web:AppServicePlan",
        "azure:appservice/servicePlan:ServicePlan",
        "azure:appservice/plan:Plan",
        "azure:appservice/webAppActiveSlot:WebAppActiveSlot",
        "azure:appservice/functionAppActiveSlot:FunctionAppActiveSlot",
        "azure:appservice/linuxWebApp:linuxWebApp",
        "azure:appservice/LinuxWebApp:LinuxWebApp",
        "azure:appservice:LinuxWebApp",
        "azure:web/linuxWebApp:LinuxWebApp",
        "azure:appservice/linuxWebApp:LinuxWebApp ",
        "azure:appservice/staticWebApp:StaticWebApp",
        "azure:logicapps/standard:Standards",
        "azure:logicapps/workflow:Workflow",
        "azure:appservice/appFlexConsumption:appFlexConsumption",
        "__proto__",
        "constructor",
        "",
    ];
    for (const type of lookAlikes) {
        it(`leaves the look-alike ${JSON.stringify(type)} alone`, () => {
            assert.strictEqual(appServiceProfileFor(type), undefined);
        });
    }
});
