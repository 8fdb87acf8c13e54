// The three ways the preview command reports: human (in the spirit of the Pulumi CLI's "Policies:"
// block), JSON for machines, and Markdown for a CI job summary or a pull request comment.

import * as path from "path";
import { Finding, isBlocking, PropertyChange, RemediationReport, ResourceStatus, ResourceVerdict, STATUSES, SubjectReport } from "./judge";

export type Format = "human" | "json" | "markdown";
export const FORMATS: readonly Format[] = ["human", "json", "markdown"];

export interface RunReport {
    /** The pack's directory as given, shown as `(local: <dir>)`. */
    readonly packDir: string;
    readonly subjects: SubjectReport[];
    readonly errors: { readonly source: string; readonly message: string }[];
    readonly exitCode: number;
}

function localPack(packDir: string): string {
    return path.relative(process.cwd(), packDir) || ".";
}

function levelOrder(f: Finding): number {
    return isBlocking(f.enforcementLevel) ? 0 : 1;
}

function icon(findings: Finding[]): string {
    if (findings.some(f => isBlocking(f.enforcementLevel))) {
        return "❌";
    }
    return findings.length > 0 ? "⚠️ " : "✅";
}

function indent(text: string, spaces: number): string {
    return text.split("\n").map(line => " ".repeat(spaces) + line).join("\n");
}

export function summaryLine(s: SubjectReport): string {
    const c = s.counts;
    return `${s.project}/${s.stack}: ${c.resources} resources, ${c.judged} judged: ${c.violating} violating ` +
        `(${c.mandatoryFindings} mandatory findings), ${c.advisory} advisory only (${c.advisoryFindings} advisory findings), ` +
        `${c.exempt} exempt, ${c.outOfScope} out of scope, ${c.compliant} compliant`;
}

function describeSubject(s: SubjectReport): string {
    const exemptions = s.exemptionsFile
        ? `exemptions: ${path.relative(process.cwd(), s.exemptionsFile)}${s.exemptionsInCopy ? " (in a temporary copy of the pack)" : ""}`
        : "exemptions: none";
    return `${s.form === "program" ? "Program" : "Stack export"} ${s.source} (project ${s.project}, stack ${s.stack}; ` +
        `policy config: ${s.policyConfig}; ${exemptions})`;
}

function changeText(c: PropertyChange): string {
    const json = (v: unknown) => v === undefined ? "(not set)" : JSON.stringify(v);
    return `${c.path}: ${json(c.before)} → ${json(c.after)}`;
}

function remediationText(m: RemediationReport): string {
    return `${m.policyName} ${m.applied ? "remediated before Analyze" : "would remediate (not applied, as `pulumi policy analyze` reports it)"}: ` +
        m.changes.map(changeText).join("; ");
}

function exemptionText(r: ResourceVerdict): string {
    return r.exemptions.map(e => `${e.policyName}: exemption #${e.entry} (${e.category}` +
        `${e.expires ? `, expires ${e.expires}` : ""}${e.ticket ? `, ${e.ticket}` : ""}): ${e.reason}`).join("; ");
}

export function formatHuman(report: RunReport): string {
    const out: string[] = [];
    for (const s of report.subjects) {
        const rows: { r?: ResourceVerdict; f: Finding }[] = [
            ...s.resources.flatMap(r => r.findings.map(f => ({ r, f }))),
            ...s.stackFindings.map(f => ({ f })),
        ];
        // Grouped by resource (in registration order), mandatory before advisory within each.
        const order = new Map(s.resources.map((r, i) => [r.urn, i]));
        rows.sort((a, b) => (order.get(a.r?.urn ?? "") ?? -1) - (order.get(b.r?.urn ?? "") ?? -1) || levelOrder(a.f) - levelOrder(b.f));
        out.push(describeSubject(s));
        for (const note of s.notes) {
            out.push(`    note: ${note}`);
        }
        out.push("Policies:");
        out.push(`    ${icon(rows.map(x => x.f))} ${s.pack.name}@v${s.pack.version} (local: ${localPack(report.packDir)})`);
        for (const { r, f } of rows) {
            const where = r ? `  (${r.type}: ${r.name})` : "";
            out.push(`        - [${f.enforcementLevel}]  ${f.policyName}${where}`, indent(f.message, 10));
        }
        const remediated = s.resources.filter(r => r.remediations.length > 0);
        if (remediated.length > 0) {
            out.push("    Remediations:");
            for (const r of remediated) {
                out.push(`        - ${r.type}: ${r.name}`, ...r.remediations.map(m => indent(remediationText(m), 10)));
            }
        }
        const exempt = s.resources.filter(r => r.status === "exempt");
        if (exempt.length > 0) {
            out.push("    Exempt:");
            for (const r of exempt) {
                out.push(`        - ${r.type}: ${r.name}`, indent(exemptionText(r), 10));
            }
        }
        out.push(`Summary: ${summaryLine(s)}`, "");
    }
    // Input errors go to stderr (the CLI writes them), so they are not repeated here.
    return out.join("\n");
}

function resourceJson(r: ResourceVerdict) {
    return {
        name: r.name,
        type: r.type,
        urn: r.urn,
        ...(r.findings.length > 0 ? { diagnostics: r.findings } : {}),
        ...(r.exemptions.length > 0 ? { exemptions: r.exemptions } : {}),
        ...(r.notApplicable.length > 0 ? { notApplicable: r.notApplicable } : {}),
        ...(r.remediations.length > 0 ? { remediations: r.remediations } : {}),
    };
}

const JSON_KEYS: Record<ResourceStatus, string> = {
    "violating": "violating",
    "advisory": "advisory",
    "exempt": "exempt",
    "out of scope": "outOfScope",
    "compliant": "compliant",
};

export function formatJson(report: RunReport): string {
    return JSON.stringify({
        pack: report.subjects[0]?.pack,
        exitCode: report.exitCode,
        stacks: report.subjects.map(s => ({
            kind: s.form,
            source: s.source,
            project: s.project,
            stack: s.stack,
            policyConfig: s.policyConfig,
            exemptionsFile: s.exemptionsFile ?? null,
            exemptionsInTemporaryPackCopy: s.exemptionsInCopy,
            counts: s.counts,
            ...Object.fromEntries(STATUSES.map(status => [JSON_KEYS[status],
                s.resources.filter(r => r.status === status).map(resourceJson)])),
            stackDiagnostics: s.stackFindings,
            notes: s.notes,
        })),
        errors: report.errors,
    }, null, 2) + "\n";
}

/** Escapes text for a Markdown table cell. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

export function formatMarkdown(report: RunReport): string {
    const pack = report.subjects[0]?.pack;
    const out: string[] = [`# Policy report${pack ? `: ${pack.name}@v${pack.version}` : ""}`, ""];
    const totals = report.subjects.reduce((n, s) => n + s.counts.violating, 0);
    out.push(report.exitCode === 0 ? "✅ No mandatory violation." : totals > 0
        ? `❌ ${totals} resource(s) violate a mandatory policy.` : "❌ Some inputs could not be judged.", "");
    for (const s of report.subjects) {
        out.push(`## ${s.project}/${s.stack}`, "", `${cell(describeSubject(s))}`, "");
        if (s.notes.length > 0) {
            out.push(...s.notes.map(note => `- ${cell(note)}`), "");
        }
        out.push("| Status | Count | Resources |", "| --- | ---: | --- |");
        for (const status of STATUSES) {
            const names = s.resources.filter(r => r.status === status).map(r => `\`${r.name}\``);
            out.push(`| ${status} | ${names.length} | ${names.join(", ")} |`);
        }
        out.push("");
        const findings = s.resources.flatMap(r => r.findings.map(f => ({ where: `\`${r.name}\` (${r.type})`, f })))
            .concat(s.stackFindings.map(f => ({ where: "(stack)", f })));
        if (findings.length > 0) {
            out.push("| Resource | Policy | Level | Message |", "| --- | --- | --- | --- |");
            for (const { where, f } of findings) {
                out.push(`| ${cell(where)} | ${f.policyName} | ${f.enforcementLevel} | ${cell(f.message)} |`);
            }
            out.push("");
        }
        const remediated = s.resources.filter(r => r.remediations.length > 0);
        if (remediated.length > 0) {
            out.push("| Resource | Remediation |", "| --- | --- |");
            for (const r of remediated) {
                out.push(`| \`${r.name}\` | ${cell(r.remediations.map(remediationText).join("\n"))} |`);
            }
            out.push("");
        }
        const exempt = s.resources.filter(r => r.status === "exempt");
        if (exempt.length > 0) {
            out.push("| Exempt resource | Exemption |", "| --- | --- |");
            for (const r of exempt) {
                out.push(`| \`${r.name}\` | ${cell(exemptionText(r))} |`);
            }
            out.push("");
        }
    }
    if (report.errors.length > 0) {
        out.push("## Inputs that could not be judged", "");
        for (const e of report.errors) {
            out.push(`- \`${e.source}\`: ${cell(e.message)}`);
        }
        out.push("");
    }
    return out.join("\n");
}

export function formatReport(report: RunReport, format: Format): string {
    switch (format) {
        case "json":
            return formatJson(report);
        case "markdown":
            return formatMarkdown(report);
        case "human":
            return formatHuman(report);
    }
}
