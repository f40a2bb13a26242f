//! A service guide as a screen lists it, in one language: the facts, conditions, one line per
//! material, the steps, where to ask.

use super::Words;
use crate::auth::RealNameLevel;
use crate::catalog::Matter;

/// A service guide as a native screen shows it, in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GuideView {
    pub code: String,
    pub name: String,
    pub department: String,
    /// Promised and legal time limits, in working days (0 = on the spot).
    pub promised_days: u32,
    pub legal_days: u32,
    pub visits_needed: u32,
    pub fully_online: bool,
    /// "Free", or what it costs.
    pub fee: String,
    pub conditions: Vec<String>,
    /// One line per material: name, form, copies, whether needed, e-certificate.
    pub materials: Vec<String>,
    pub steps: Vec<String>,
    pub consultation_phone: String,
    pub complaint_phone: String,
    /// Applying online needs a verified identity (never a face scan).
    pub needs_identity: bool,
    /// The matter has an online form.
    pub has_form: bool,
    /// Shown from the copy on the device (the server could not be reached).
    pub from_cache: bool,
}

/// The fee as one line: "free", or the catalog's description.
pub fn fee_text(matter: &Matter, words: &Words) -> String {
    match (&matter.fee.free, &matter.fee.description) {
        (true, _) => words.message("guide-fee-free"),
        (false, Some(d)) => words.text(d),
        (false, None) => String::new(),
    }
}

/// A step as one line: its name and what happens.
pub fn step_line(step: &crate::catalog::Step, words: &Words) -> String {
    format!(
        "{}: {}",
        words.text(&step.name),
        words.text(&step.description)
    )
}

pub fn guide_view(matter: &Matter, words: &Words, from_cache: bool) -> GuideView {
    GuideView {
        code: matter.code.clone(),
        name: words.text(&matter.name),
        department: words.text(&matter.department),
        promised_days: matter.promised_days,
        legal_days: matter.legal_days,
        visits_needed: matter.visits_needed,
        fully_online: matter.fully_online,
        fee: fee_text(matter, words),
        conditions: matter.conditions.iter().map(|c| words.text(c)).collect(),
        materials: matter
            .materials
            .iter()
            .map(|m| crate::speech::material_line(m, words.loader, words.language))
            .collect(),
        steps: matter.steps.iter().map(|s| step_line(s, words)).collect(),
        consultation_phone: matter.consultation_phone.clone(),
        complaint_phone: matter.complaint_phone.clone(),
        needs_identity: matter.real_name_level == RealNameLevel::IdentityVerified,
        has_form: !matter.form.is_empty(),
        from_cache,
    }
}
