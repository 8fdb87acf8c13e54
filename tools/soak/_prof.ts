import { startConfiguredPack } from "../../tests/property/support";
(async () => {
  const { pack } = await startConfiguredPack();
  for (const conc of [1, 4, 16, 64]) {
    const t = Date.now();
    for (let i = 0; i < 4000 / conc; i++) await Promise.all(Array.from({ length: conc }, () => pack.client.analyze({ type: "azure-native:web:WebApp", name: "app", properties: { clientCertEnabled: true, kind: "app", siteConfig: { minTlsVersion: "1.2" }, tags: { a: "b" } } })));
    console.log(conc, "per call ms", (Date.now() - t) / 4000);
  }
  await pack.stop();
})();
