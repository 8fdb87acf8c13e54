import * as assert from "assert";
import { appServiceProfileFor } from "../../lib/app-service-resources";

describe("appServiceProfileFor", () => {
    const judged: [string, string, boolean][] = [
        ["azure-native:web:WebApp", "WebApp", false],
        ["azure-native:web:WebAppSlot", "WebAppSlot", true],
        ["azure-native:web/v20150801:WebApp", "WebApp", false],
        ["azure-native:web/v20220901:WebApp", "WebApp", false],
        ["azure-native:web/v20220901:WebAppSlot", "WebAppSlot", true],
        ["azure-native:web/v20231201preview:WebAppSlot", "WebAppSlot", true],
        ["azure-native:web/v20260301preview:WebApp", "WebApp", false],
    ];
    for (const [type, resourceName, isSlot] of judged) {
        it(`judges ${type}`, () => {
            const profile = appServiceProfileFor(type);
            assert.ok(profile, `${type} must be judged`);
            assert.strictEqual(profile.resourceName, resourceName);
            assert.strictEqual(profile.isSlot, isSlot);
            assert.strictEqual(profile.properties.clientCertEnabled, "clientCertEnabled");
        });
    }

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
        "xazure-native:web:WebApp",
        "azure-native:web:WebApp ",
        "azure-native:storage:StorageAccount",
        "azure-native:web:AppServicePlan",
        "",
    ];
    for (const type of lookAlikes) {
        it(`leaves the look-alike ${JSON.stringify(type)} alone`, () => {
            assert.strictEqual(appServiceProfileFor(type), undefined);
        });
    }
});
