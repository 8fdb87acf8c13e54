// Loaded with `node --require` into a pack process that is to judge as of another moment (the exceptions
// command's --now): the pack reads the clock itself (exemption expiry), so the clock is what moves, by
// the offset in POLICY_PACK_CLOCK_OFFSET_MS, and time still passes as it does. Plain JavaScript: the pack
// process runs compiled code and has no TypeScript loader.
"use strict";
const offset = Number(process.env.POLICY_PACK_CLOCK_OFFSET_MS);
if (Number.isFinite(offset) && offset !== 0) {
    const RealDate = Date;
    class ShiftedDate extends RealDate {
        constructor(...args) {
            if (args.length === 0) {
                super(RealDate.now() + offset);
            } else {
                super(...args);
            }
        }
        static now() {
            return RealDate.now() + offset;
        }
    }
    globalThis.Date = ShiftedDate;
}
