//! The demo catalog's benefit rules on both sides of each boundary (natively; `wasm.rs` runs the
//! same in wasm32).

#[path = "common/benefit_boundaries.rs"]
mod boundaries;

#[test]
fn demo_rules_hold_on_both_sides_of_each_boundary() {
    boundaries::demo_rules_hold_on_both_sides_of_each_boundary();
}
