//! MR031 invalid-touchpoint: a step's `channel` and `stage`, what the
//! journey map draws, say something it can draw.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

/// The longest `stage` name: a stage is a heading of a few words.
pub const MAX_STAGE_CHARS: usize = 60;

declare_rule! {
    /// ### What it does
    /// Checks the keys the journey map draws (docs/journey-map.md): a
    /// `channel` (how a contact reaches the reporter) is only on a step
    /// that is a contact, and a `stage` names the stage in a few words (not
    /// empty, at most 60 characters).
    ///
    /// ### Why is this bad
    /// A channel on a step that does not reach the reporter draws a
    /// touchpoint that is not there; an empty or overlong stage gives a
    /// heading the map cannot show.
    ///
    /// ### Example
    /// Fails: a channel on a step that is no contact:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, channel: letter, duration: 4w, basis: policy, next: tussentijds}
    /// ```
    /// Passes: a stage on the investigation, the channel on the contact:
    /// ```yaml
    ///   onderzoek: {title: Onderzoek, actor: org, kind: investigation, stage: Onderzoek, duration: 4w, basis: policy, next: tussentijds}
    ///   tussentijds: {title: Tussentijdse terugkoppeling, actor: org, kind: feedback, channel: letter, duration: 1d, basis: policy, next: besluit}
    /// ```
    pub struct InvalidTouchpoint {
        code: "MR031",
        name: "invalid-touchpoint",
        category: Correctness,
        severity: Error,
        summary: "a `channel` is on a step that is no contact with the reporter, or a `stage` is empty or longer than 60 characters",
    }
}

impl Rule for InvalidTouchpoint {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, s) in entry.procedure.steps.iter() {
            if let Some(c) = s.channel.as_ref().filter(|_| !s.is_contact()) {
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        c.pos,
                        "step {step} has a channel, but it is no contact with the reporter",
                    )
                    .with_arg("step", Arg::id(&id.value))
                    .with_label("no touchpoint here")
                    .with_help(
                        "remove `channel`, or add `contact: true` if the step reaches the reporter",
                    ),
                );
            }
            if let Some(stage) = &s.stage {
                let chars = stage.value.trim().chars().count();
                if chars == 0 || chars > MAX_STAGE_CHARS {
                    out.push(
                        cx.diag(
                            &Self::META,
                            entry,
                            stage.pos,
                            "the stage of step {step} has {chars} characters; a stage is named in 1 to {most}",
                        )
                        .with_arg("step", Arg::id(&id.value))
                        .with_arg("chars", Arg::Count(chars as u64))
                        .with_arg("most", Arg::Count(MAX_STAGE_CHARS as u64))
                        .with_label("not a stage name")
                        .with_help("name the stage in a few words, such as `Onderzoek`, or leave `stage` out to take it from the step's kind"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&InvalidTouchpoint)
            .pass(&[
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, channel: email, stage: Ontvangst, duration: 2d, basis: policy, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, contact: true, channel: conversation, duration: 4w, basis: policy, next: tussentijds}\n",
            ])
            .fail(&[
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, channel: letter, duration: 4w, basis: policy, next: tussentijds}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, stage: \" \", duration: 4w, basis: policy, next: tussentijds}\n",
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, stage: \"Een stadium met een naam die veel te lang is om als kop te dienen\", duration: 4w, basis: policy, next: tussentijds}\n",
            ])
            .test_and_snapshot();
    }
}
