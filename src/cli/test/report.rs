//! The text form of a probe report: one row per step, then the certificate's fields.

use crate::output;
use crate::probe::{Report, StepStatus as Status};

pub(super) fn render(report: &Report) -> String {
    let rows = report.steps.iter().map(|s| {
        let mark = match s.status {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        vec![
            s.step.clone(),
            mark.to_string(),
            format!("{} ms", s.millis),
            s.detail.clone(),
        ]
    });
    let mut out = output::table(&["STEP", "STATUS", "TIME", "DETAIL"], rows);
    if let Some(c) = &report.certificate {
        out.push_str(&format!(
            "\n\n{}",
            output::fields(&[
                ("certificate", c.subject.clone()),
                ("issuer", c.issuer.clone()),
                ("names", c.names.join(", ")),
                (
                    "valid",
                    format!(
                        "{} to {} ({} days left)",
                        c.not_before, c.not_after, c.days_left
                    )
                ),
                (
                    "trusted",
                    if c.trusted {
                        "yes".to_string()
                    } else {
                        format!("no: {}", c.verify_error.clone().unwrap_or_default())
                    }
                ),
                ("problem", c.problem.clone()),
            ])
        ));
    }
    out
}
