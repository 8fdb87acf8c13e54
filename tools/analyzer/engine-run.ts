// The calls the Pulumi engine makes of a policy pack over one run, with the properties it sends in each:
// INPUTS to Remediate and Analyze, OUTPUTS to AnalyzeStack.
//
//   - A deployment (`pulumi preview` / `pulumi up`), pkg/resource/deploy/step_generator.go: per resource,
//     Remediate on the inputs, and the remediated properties become the inputs from then on; then Analyze
//     on those inputs. After every resource, AnalyzeResources calls AnalyzeStack once, "on the final
//     outputs of each resource".
//   - A snapshot (`pulumi policy analyze --stack/--file`), pkg/resource/deploy/analyze_snapshot.go
//     (AnalyzeSnapshot): per resource not marked `delete`, Remediate on `res.Inputs`, reporting what
//     would change without applying it, then Analyze on the same `res.Inputs`; then AnalyzeStack on
//     every such resource's `res.Outputs`.

import { AnalyzeResult, AnalyzerClient, RemediateResult, WireResource } from "./analyzer-client";

/** A resource as one run knows it: what the program declared and what the provider returned. */
export interface RunResource extends Omit<WireResource, "properties"> {
    readonly inputs: Record<string, unknown>;
    /** What the provider returned (a stack export's `outputs`; under mocks, what the mocks return). */
    readonly outputs: Record<string, unknown>;
}

export type RunMode = "deployment" | "snapshot";

export interface RunResult {
    /** Per resource, in order: the Remediate answer, or undefined when not asked. */
    readonly remediations: (RemediateResult | undefined)[];
    /** Per resource, in order: the Analyze answer on the inputs (after remediation in a deployment). */
    readonly analyses: AnalyzeResult[];
    /** The AnalyzeStack answer on the outputs. */
    readonly stack: AnalyzeResult;
    /** The inputs each resource was analysed with. */
    readonly analysedInputs: Record<string, unknown>[];
}

export interface RunOptions {
    readonly mode?: RunMode;
    /** Ask Remediate first, as the engine does (default true). */
    readonly remediate?: boolean;
}

/** The properties a Remediate answer gives the resource, or undefined when it changes nothing. */
export function remediatedProperties(result: RemediateResult | undefined): Record<string, unknown> | undefined {
    let properties: Record<string, unknown> | undefined;
    for (const r of result?.remediations ?? []) {
        // A remediation with a diagnostic is reported, not applied (step_generator.go, analyze_snapshot.go).
        if (!r.diagnostic && r.properties) {
            properties = r.properties;
        }
    }
    return properties;
}

/** The AnalyzeStack resource of a run resource: its outputs, with its graph fields. */
export function stackResourceOf(r: RunResource): WireResource {
    const { inputs: _inputs, outputs, ...rest } = r;
    return { ...rest, properties: outputs };
}

/** Makes one run's calls in the engine's order and with the engine's properties. */
export async function runLikeEngine(client: AnalyzerClient, resources: readonly RunResource[], opts: RunOptions = {}): Promise<RunResult> {
    const mode = opts.mode ?? "deployment";
    const remediations: (RemediateResult | undefined)[] = [];
    const analyses: AnalyzeResult[] = [];
    const analysedInputs: Record<string, unknown>[] = [];
    for (const r of resources) {
        const { inputs: _inputs, outputs: _outputs, ...rest } = r;
        let inputs = r.inputs;
        let remediation: RemediateResult | undefined;
        if (opts.remediate ?? true) {
            remediation = await client.remediate({ ...rest, properties: inputs });
            const changed = remediatedProperties(remediation);
            if (changed && mode === "deployment") {
                inputs = changed;
            }
        }
        remediations.push(remediation);
        analysedInputs.push(inputs);
        analyses.push(await client.analyze({ ...rest, properties: inputs }));
    }
    const stack = await client.analyzeStack(resources.map(stackResourceOf));
    return { remediations, analyses, stack, analysedInputs };
}
