// Promise-based client for the Pulumi Analyzer gRPC protocol, speaking to a policy pack exactly as
// the engine does. Requests are built the way the engine builds them and responses are decoded the
// way @pulumi/policy's server.js/protoutil.js encode them, into plain JS objects.

import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";
import { AnalyzerClient as GrpcAnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { nameFromUrn, resourceUrn, toJsonObject, UrnContext } from "./wire";

// The generated stubs do `instanceof` checks against the google-protobuf/grpc-js copies that
// @pulumi/pulumi itself resolves (the policy SDK works around the same issue for Empty), so load
// those copies rather than whatever this file would resolve on its own.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
function requireFromPulumi<T>(id: string): T {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require(require.resolve(id, { paths: [pulumiDir] })) as T;
}
const grpc = requireFromPulumi<typeof grpcTypes>("@grpc/grpc-js");
const { Struct } = requireFromPulumi<typeof structTypes>("google-protobuf/google/protobuf/struct_pb");
const { Empty } = requireFromPulumi<typeof emptyTypes>("google-protobuf/google/protobuf/empty_pb");

/** Same limit the policy SDK's server uses (400 MB), so large stacks are not rejected client-side. */
export const MAX_RPC_MESSAGE_SIZE = 400 * 1024 * 1024;

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type Severity = "low" | "medium" | "high" | "critical";
export type PolicyType = "resource" | "stack" | "unknown";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export function isEnforcementLevel(v: unknown): v is EnforcementLevel {
    return typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
}

export interface PolicyConfigSchema {
    /** JSON schema of each config property, as declared in the policy's `configSchema.properties`. */
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
}

export interface PolicyInfo {
    name: string;
    displayName?: string;
    description: string;
    message?: string;
    enforcementLevel: EnforcementLevel;
    policyType: PolicyType;
    severity?: Severity;
    configSchema?: PolicyConfigSchema;
    framework?: { name: string; version: string; reference: string; specification: string };
    tags?: string[];
    remediationSteps?: string;
    url?: string;
}

export interface InitialPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties?: Record<string, unknown>;
}

export interface AnalyzerInfo {
    name: string;
    displayName?: string;
    version: string;
    supportsConfig: boolean;
    description?: string;
    readme?: string;
    provider?: string;
    tags?: string[];
    repository?: string;
    policies: PolicyInfo[];
    /** The pack's programmatic initial config (third `PolicyPack` constructor argument). */
    initialConfig: Record<string, InitialPolicyConfig>;
}

/** One policy's entry in a Configure request: its enforcement level plus config properties. */
export type PolicyConfigEntry = { enforcementLevel: EnforcementLevel; [property: string]: unknown };
export type ConfigureMap = Record<string, PolicyConfigEntry>;

export interface WireResourceOptions {
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    aliases?: string[];
    customTimeouts?: { create?: number; update?: number; delete?: number };
    parent?: string;
}

export interface WireProvider {
    type: string;
    name?: string;
    urn?: string;
    properties?: Record<string, unknown>;
}

/** A resource as the engine sends it. Properties may contain UNKNOWN / secret() at any depth. */
export interface WireResource {
    type: string;
    name?: string;
    urn?: string;
    properties: Record<string, unknown>;
    /** Parent URN (AnalyzeStack field; also defaults `options.parent`). */
    parent?: string;
    /** AnalyzeStack only. */
    dependencies?: string[];
    /** AnalyzeStack only. */
    propertyDependencies?: Record<string, string[]>;
    options?: WireResourceOptions;
    provider?: WireProvider;
}

export interface Diagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    message: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /** URN the policy reported; "" when it did not name one (proto3 default). */
    urn: string;
    severity?: Severity;
}

export interface NotApplicable {
    policyName: string;
    reason: string;
}

export interface AnalyzeResult {
    diagnostics: Diagnostic[];
    notApplicable: NotApplicable[];
}

export interface Remediation {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    /** Remediated properties as sent on the wire (secrets stay as secret envelopes). */
    properties?: Record<string, unknown>;
    diagnostic?: string;
}

export interface RemediateResult {
    remediations: Remediation[];
    notApplicable: NotApplicable[];
}

export interface StackConfiguration {
    stack?: string;
    project?: string;
    organization?: string;
    dryRun?: boolean;
    config?: Record<string, string>;
    configSecretKeys?: string[];
    tags?: Record<string, string>;
}

export interface AnalyzerClientOptions extends UrnContext {
    /** Per-call deadline; none by default. */
    callTimeoutMs?: number;
}

/** A failed Analyzer RPC; the message carries the gRPC status name, code and details. */
export class AnalyzerRpcError extends Error {
    constructor(
        readonly method: string,
        readonly code: number,
        readonly details: string,
    ) {
        super(`Analyzer.${method} failed with gRPC status ${grpc.status[code] ?? "UNKNOWN"} (${code}): ${details}`);
        this.name = "AnalyzerRpcError";
    }
}

type UnaryFn<Req, Res> = (
    req: Req,
    metadata: grpcTypes.Metadata,
    options: Partial<grpcTypes.CallOptions>,
    callback: (err: grpcTypes.ServiceError | null, res: Res) => void,
) => grpcTypes.ClientUnaryCall;

export class AnalyzerClient {
    private readonly stub: GrpcAnalyzerClient;
    private readonly urnCtx: UrnContext;

    constructor(
        readonly address: string,
        private readonly opts: AnalyzerClientOptions = {},
    ) {
        this.stub = new GrpcAnalyzerClient(address, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_RPC_MESSAGE_SIZE,
            "grpc.max_send_message_length": MAX_RPC_MESSAGE_SIZE,
        });
        this.urnCtx = { stack: opts.stack, project: opts.project };
    }

    close(): void {
        this.stub.close();
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const res = await this.unary<emptyTypes.Empty, pb.AnalyzerInfo>("GetAnalyzerInfo", this.stub.getAnalyzerInfo, new Empty());
        return decodeAnalyzerInfo(res);
    }

    async getPluginInfo(): Promise<{ version: string }> {
        const res = await this.unary("GetPluginInfo", this.stub.getPluginInfo, new Empty());
        return { version: res.getVersion() };
    }

    /** Sends a ConfigureAnalyzerRequest; each entry's non-`enforcementLevel` keys become its properties. */
    async configure(configMap: ConfigureMap): Promise<void> {
        const req = new pb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [policyName, entry] of Object.entries(configMap)) {
            const { enforcementLevel, ...properties } = entry;
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel(encodeEnforcementLevel(enforcementLevel));
            pc.setProperties(Struct.fromJavaScript(toJsonObject(properties, `${policyName}`)));
            map.set(policyName, pc);
        }
        await this.unary("Configure", this.stub.configure, req);
    }

    /** Sends ConfigureStack (stack tags are what policies see as `args.stackTags`). */
    async configureStack(cfg: StackConfiguration): Promise<void> {
        const req = new pb.AnalyzerStackConfigureRequest();
        req.setStack(cfg.stack ?? this.urnCtx.stack ?? "dev");
        req.setProject(cfg.project ?? this.urnCtx.project ?? "example");
        req.setOrganization(cfg.organization ?? "");
        req.setDryRun(cfg.dryRun ?? false);
        req.setConfigSecretKeysList(cfg.configSecretKeys ?? []);
        for (const [k, v] of Object.entries(cfg.config ?? {})) {
            req.getConfigMap().set(k, v);
        }
        for (const [k, v] of Object.entries(cfg.tags ?? {})) {
            req.getTagsMap().set(k, v);
        }
        await this.unary("ConfigureStack", this.stub.configureStack, req);
    }

    async analyze(resource: WireResource): Promise<AnalyzeResult> {
        const res = await this.unary("Analyze", this.stub.analyze, this.buildAnalyzeRequest(resource));
        return decodeAnalyzeResponse(res);
    }

    async analyzeStack(resources: WireResource[]): Promise<AnalyzeResult> {
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(resources.map((r) => this.buildStackResource(r)));
        const res = await this.unary("AnalyzeStack", this.stub.analyzeStack, req);
        return decodeAnalyzeResponse(res);
    }

    async remediate(resource: WireResource): Promise<RemediateResult> {
        const res = await this.unary("Remediate", this.stub.remediate, this.buildAnalyzeRequest(resource));
        return {
            remediations: res.getRemediationsList().map(decodeRemediation),
            notApplicable: res.getNotApplicableList().map(decodeNotApplicable),
        };
    }

    /** The URN this client sends for `resource` (given, or derived from type and name). */
    urnOf(resource: Pick<WireResource, "type" | "name" | "urn">): string {
        return resource.urn ?? resourceUrn(resource.type, this.nameOf(resource), this.urnCtx);
    }

    private nameOf(resource: Pick<WireResource, "type" | "name" | "urn">): string {
        return resource.name ?? (resource.urn ? nameFromUrn(resource.urn) : "resource");
    }

    private buildAnalyzeRequest(r: WireResource): pb.AnalyzeRequest {
        const req = new pb.AnalyzeRequest();
        req.setType(r.type);
        req.setName(this.nameOf(r));
        req.setUrn(this.urnOf(r));
        req.setProperties(Struct.fromJavaScript(toJsonObject(r.properties, "properties")));
        req.setOptions(encodeOptions(r));
        if (r.provider) {
            req.setProvider(this.encodeProvider(r.provider));
        }
        return req;
    }

    private buildStackResource(r: WireResource): pb.AnalyzerResource {
        const res = new pb.AnalyzerResource();
        res.setType(r.type);
        res.setName(this.nameOf(r));
        res.setUrn(this.urnOf(r));
        res.setProperties(Struct.fromJavaScript(toJsonObject(r.properties, "properties")));
        res.setOptions(encodeOptions(r));
        if (r.provider) {
            res.setProvider(this.encodeProvider(r.provider));
        }
        if (r.parent) {
            res.setParent(r.parent);
        }
        res.setDependenciesList(r.dependencies ?? []);
        for (const [prop, urns] of Object.entries(r.propertyDependencies ?? {})) {
            const deps = new pb.AnalyzerPropertyDependencies();
            deps.setUrnsList(urns);
            res.getPropertydependenciesMap().set(prop, deps);
        }
        return res;
    }

    private encodeProvider(p: WireProvider): pb.AnalyzerProviderResource {
        const prov = new pb.AnalyzerProviderResource();
        const name = p.name ?? (p.urn ? nameFromUrn(p.urn) : "default");
        prov.setType(p.type);
        prov.setName(name);
        prov.setUrn(p.urn ?? resourceUrn(p.type, name, this.urnCtx));
        prov.setProperties(Struct.fromJavaScript(toJsonObject(p.properties ?? {}, "provider.properties")));
        return prov;
    }

    private unary<Req, Res>(method: string, fn: UnaryFn<Req, Res>, req: Req): Promise<Res> {
        const callOpts: Partial<grpcTypes.CallOptions> = {};
        if (this.opts.callTimeoutMs !== undefined) {
            callOpts.deadline = Date.now() + this.opts.callTimeoutMs;
        }
        return new Promise<Res>((resolve, reject) => {
            fn.call(this.stub, req, new grpc.Metadata(), callOpts, (err, res) => {
                if (err) {
                    reject(new AnalyzerRpcError(method, err.code, err.details || err.message));
                } else {
                    resolve(res);
                }
            });
        });
    }
}

// Always set, even when empty: the SDK treats a missing options message as a pre-3.x CLI and fails
// the call with "A more recent version of the Pulumi CLI is required".
function encodeOptions(r: WireResource): pb.AnalyzerResourceOptions {
    const o = r.options ?? {};
    const opts = new pb.AnalyzerResourceOptions();
    opts.setProtect(o.protect ?? false);
    opts.setIgnorechangesList(o.ignoreChanges ?? []);
    if (o.deleteBeforeReplace !== undefined) {
        opts.setDeletebeforereplace(o.deleteBeforeReplace);
        opts.setDeletebeforereplacedefined(true);
    }
    opts.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
    opts.setAliasesList(o.aliases ?? []);
    if (o.customTimeouts) {
        const t = new pb.AnalyzerResourceOptions.CustomTimeouts();
        t.setCreate(o.customTimeouts.create ?? 0);
        t.setUpdate(o.customTimeouts.update ?? 0);
        t.setDelete(o.customTimeouts.delete ?? 0);
        opts.setCustomtimeouts(t);
    }
    const parent = o.parent ?? r.parent;
    if (parent) {
        opts.setParent(parent);
    }
    return opts;
}

export function encodeEnforcementLevel(level: EnforcementLevel): pb.EnforcementLevel {
    switch (level) {
        case "advisory":
            return pb.EnforcementLevel.ADVISORY;
        case "mandatory":
            return pb.EnforcementLevel.MANDATORY;
        case "remediate":
            return pb.EnforcementLevel.REMEDIATE;
        case "disabled":
            return pb.EnforcementLevel.DISABLED;
        default:
            throw new Error(`Unknown enforcement level ${JSON.stringify(level)}`);
    }
}

export function decodeEnforcementLevel(level: pb.EnforcementLevel): EnforcementLevel {
    switch (level) {
        case pb.EnforcementLevel.ADVISORY:
            return "advisory";
        case pb.EnforcementLevel.MANDATORY:
            return "mandatory";
        case pb.EnforcementLevel.REMEDIATE:
            return "remediate";
        case pb.EnforcementLevel.DISABLED:
            return "disabled";
        default:
            throw new Error(`Unknown enforcement level enum value ${level}`);
    }
}

function decodeSeverity(s: pb.PolicySeverity): Severity | undefined {
    switch (s) {
        case pb.PolicySeverity.POLICY_SEVERITY_LOW:
            return "low";
        case pb.PolicySeverity.POLICY_SEVERITY_MEDIUM:
            return "medium";
        case pb.PolicySeverity.POLICY_SEVERITY_HIGH:
            return "high";
        case pb.PolicySeverity.POLICY_SEVERITY_CRITICAL:
            return "critical";
        default:
            return undefined;
    }
}

function decodePolicyType(t: pb.PolicyType): PolicyType {
    switch (t) {
        case pb.PolicyType.POLICY_TYPE_RESOURCE:
            return "resource";
        case pb.PolicyType.POLICY_TYPE_STACK:
            return "stack";
        default:
            return "unknown";
    }
}

/** Drops proto3 "unset" defaults ("" / []) so optional fields read as undefined. */
function opt<T>(v: T): T | undefined {
    if (v === "" || (Array.isArray(v) && v.length === 0)) {
        return undefined;
    }
    return v;
}

function decodeAnalyzerInfo(ai: pb.AnalyzerInfo): AnalyzerInfo {
    const initialConfig: Record<string, InitialPolicyConfig> = {};
    ai.getInitialconfigMap().forEach((pc, name) => {
        // Like the CLI: an unset enum reads as ADVISORY (proto3 default).
        const entry: InitialPolicyConfig = { enforcementLevel: decodeEnforcementLevel(pc.getEnforcementlevel()) };
        const props = pc.getProperties();
        if (props) {
            entry.properties = props.toJavaScript();
        }
        initialConfig[name] = entry;
    });
    return stripUndefined({
        name: ai.getName(),
        displayName: opt(ai.getDisplayname()),
        version: ai.getVersion(),
        supportsConfig: ai.getSupportsconfig(),
        description: opt(ai.getDescription()),
        readme: opt(ai.getReadme()),
        provider: opt(ai.getProvider()),
        tags: opt(ai.getTagsList()),
        repository: opt(ai.getRepository()),
        policies: ai.getPoliciesList().map(decodePolicyInfo),
        initialConfig,
    });
}

function decodePolicyInfo(p: pb.PolicyInfo): PolicyInfo {
    const schema = p.getConfigschema();
    let configSchema: PolicyConfigSchema | undefined;
    if (schema) {
        configSchema = {
            properties: (schema.getProperties()?.toJavaScript() ?? {}) as PolicyConfigSchema["properties"],
        };
        const required = schema.getRequiredList();
        if (required.length > 0) {
            configSchema.required = required;
        }
    }
    return stripUndefined({
        name: p.getName(),
        displayName: opt(p.getDisplayname()),
        description: p.getDescription(),
        message: opt(p.getMessage()),
        enforcementLevel: decodeEnforcementLevel(p.getEnforcementlevel()),
        policyType: decodePolicyType(p.getPolicyType()),
        severity: decodeSeverity(p.getSeverity()),
        configSchema,
        framework: decodeFramework(p.getFramework()),
        tags: opt(p.getTagsList()),
        remediationSteps: opt(p.getRemediationSteps()),
        url: opt(p.getUrl()),
    });
}

function decodeFramework(f: pb.PolicyComplianceFramework | undefined): PolicyInfo["framework"] {
    return f === undefined ? undefined
        : { name: f.getName(), version: f.getVersion(), reference: f.getReference(), specification: f.getSpecification() };
}

function decodeAnalyzeResponse(res: pb.AnalyzeResponse): AnalyzeResult {
    return {
        diagnostics: res.getDiagnosticsList().map(decodeDiagnostic),
        notApplicable: res.getNotApplicableList().map(decodeNotApplicable),
    };
}

function decodeDiagnostic(d: pb.AnalyzeDiagnostic): Diagnostic {
    return stripUndefined({
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion(),
        message: d.getMessage(),
        description: d.getDescription(),
        enforcementLevel: decodeEnforcementLevel(d.getEnforcementlevel()),
        urn: d.getUrn(),
        severity: decodeSeverity(d.getSeverity()),
    });
}

function decodeNotApplicable(na: pb.PolicyNotApplicable): NotApplicable {
    return { policyName: na.getPolicyName(), reason: na.getReason() };
}

function decodeRemediation(r: pb.Remediation): Remediation {
    return stripUndefined({
        policyName: r.getPolicyname(),
        policyPackName: r.getPolicypackname(),
        policyPackVersion: r.getPolicypackversion(),
        description: r.getDescription(),
        properties: r.getProperties()?.toJavaScript(),
        diagnostic: opt(r.getDiagnostic()),
    });
}

// Keeps results deep-equal-friendly: absent optional fields are omitted rather than `undefined`.
function stripUndefined<T extends object>(o: T): T {
    for (const k of Object.keys(o) as (keyof T)[]) {
        if (o[k] === undefined) {
            delete o[k];
        }
    }
    return o;
}
