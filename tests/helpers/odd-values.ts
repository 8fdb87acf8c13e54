import { SECRET_SIG, SPECIAL_SIG_KEY } from "../../tools/analyzer/wire";

// Values a property can really arrive with, whatever its declared type: from an untyped program, a stack
// export, a secret, or a Configure call that skipped the CLI's validation. Every rule must judge them
// without crashing, and none of them may pass where the rule asks for one exact value.
export const ODD_VALUES: readonly [label: string, value: unknown][] = [
    ['the string "true"', "true"],
    ["the number 1", 1],
    ["the number 0", 0],
    ["null", null],
    ["an object", { value: true }],
    ["an array", [true]],
    ["a huge string", "x".repeat(100_000)],
];

/** The encrypted form of a secret, as a stack export without --show-secrets holds it. */
export const ENCRYPTED_SECRET = { [SPECIAL_SIG_KEY]: SECRET_SIG, ciphertext: "v1:abc" };
