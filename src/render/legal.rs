//! The legal pages' text for the templates (see `model_legal`).

use toml::Spanned;
use toml::value::Datetime;

use crate::model::legal::{Date, LegalSettings};

/// The generated text's data for the templates, with German dates and wording.
pub fn template_value(legal: &LegalSettings) -> serde_json::Value {
    let s = legal.accessibility.clone().unwrap_or_default();
    let date = |d: &Option<Spanned<Datetime>>| {
        d.as_ref()
            .and_then(|d| Date::of(d.get_ref()))
            .map(|d| crate::theme::i18n::format_iso_date("de", &d.iso()).unwrap_or_else(|| d.iso()))
    };
    fn lines(s: &Option<String>) -> Option<Vec<&str>> {
        s.as_ref()
            .map(|s| s.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
    }
    serde_json::json!({
        "body": legal.body,
        "legal_form": legal.legal_form,
        "representative": legal.representative,
        "address": lines(&legal.address),
        "email": legal.email,
        "phone": legal.phone,
        "supervisory_authority": lines(&legal.supervisory_authority),
        "content_responsible": lines(&legal.content_responsible),
        "vat_id": legal.vat_id,
        "data_protection_officer": lines(&legal.data_protection_officer),
        "data_protection_authority": lines(&legal.data_protection_authority),
        "hosting": lines(&legal.hosting),
        "log_retention_days": legal.log_retention_days.unwrap_or(7),
        "statement": {
            "status": s.status.as_ref().map(|x| x.get_ref().clone()),
            "prepared": date(&s.prepared),
            "reviewed": date(&s.reviewed).or_else(|| date(&s.prepared)),
            "method": s.method.as_ref().map(|x| x.get_ref().clone()),
            "assessor": s.assessor,
            "feedback_email": s.feedback_email,
            "feedback_phone": s.feedback_phone,
            "conciliation_body": s.conciliation_body,
            "conciliation_url": s.conciliation_url.as_ref().map(|u| u.get_ref()),
            "barriers": s.barriers,
        },
    })
}
