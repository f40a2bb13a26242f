//! Going in person: which way is best for this person now (online, or which hall), how far each
//! hall is and whether it is open, and the rules of booking a time (预约). Data in, data out: the
//! device's location, the clock and the working-day calendar come from the shell.
//!
//! `geo` holds distances, the WGS-84 → GCJ-02 conversion maps in China need and the links that
//! open a person's map app; `hours` what a hall's opening hours mean at a moment; `best` the
//! choice of a way; `booking` slots, the booking window and the limits.

pub mod api;
pub mod best;
pub mod booking;
pub mod geo;
pub mod hours;
pub mod tiles;

pub use api::*;
pub use best::*;
pub use booking::*;
pub use geo::*;
pub use hours::*;
