//! A survey page's fixed HTML, rendered once per survey version, page and
//! language, with marks where each learner's values go: the organisation's
//! name, the back link and form action (they carry the link's token and follow
//! the learner's route), the values of inputs and which options are ticked.
//! A page view then copies the fixed parts and writes in only those values,
//! instead of building the whole page through the template and Fluent again
//! (most of a page view's work in issue 14's profile).
//!
//! Nothing learner-specific is kept: each request still opens its link in the
//! database and checks it, as before. Pages with errors to show (a refused
//! answer) are rendered by the template as before.
//!
//! A mark is `\u{E000}<slot>\u{E001}`: private-use characters, which HTML
//! escaping leaves alone and no survey text holds (a page whose texts did
//! would not be kept, and would be rendered by the template).

use std::sync::OnceLock;

use askama::Template;
use askama::filters::{Escaper, Html};
use onward_survey::{LANGUAGES, Survey};

use super::views::{self, Checked, Chrome, FieldValues, QuestionView};

const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// The mark for slot number `slot`.
pub fn mark(slot: usize) -> String {
    format!("{MARK_START}{slot}{MARK_END}")
}

/// What goes in a slot of a page's fixed HTML.
#[derive(Debug, PartialEq, Eq)]
enum Slot {
    Organisation,
    Back,
    Action,
    /// The value of a form field.
    Value(String),
    /// ` checked` when the form field holds the value.
    Checked {
        field: String,
        value: String,
    },
}

/// The slots a page's view asks for while it is rendered once.
#[derive(Default)]
struct Marks {
    slots: Vec<Slot>,
}

impl Marks {
    fn add(&mut self, slot: Slot) -> usize {
        self.slots.push(slot);
        self.slots.len() - 1
    }
}

impl FieldValues for &mut Marks {
    fn value(&mut self, name: &str) -> String {
        mark(self.add(Slot::Value(name.to_owned())))
    }

    fn checked(&mut self, name: &str, value: &str) -> Checked {
        Checked::Mark(self.add(Slot::Checked {
            field: name.to_owned(),
            value: value.to_owned(),
        }))
    }
}

/// One page's HTML: fixed text, each part followed by a slot (or none, at the end).
#[derive(Debug)]
pub struct FixedPage {
    parts: Vec<(String, Option<usize>)>,
    slots: Vec<Slot>,
    /// The fixed text's length, to size the page in one allocation.
    len: usize,
}

/// What a learner's view of a page fills the slots with.
pub struct Filling<'a> {
    pub organisation: &'a str,
    pub back: &'a str,
    pub action: &'a str,
    /// The form values (field name, value), as `views::QuestionView::new` takes them.
    pub values: &'a [(String, String)],
}

impl FixedPage {
    /// The page's HTML for one learner, the same as the template renders it;
    /// `None` where this page's fixed HTML does not fit (a blank organisation
    /// name, which the template leaves out rather than showing).
    pub fn fill(&self, filling: &Filling<'_>) -> Option<String> {
        if filling.organisation.is_empty() {
            return None;
        }
        let mut html = String::with_capacity(self.len + 512);
        for (text, slot) in &self.parts {
            html.push_str(text);
            let Some(slot) = slot else { continue };
            let escaped = match &self.slots[*slot] {
                Slot::Organisation => filling.organisation,
                Slot::Back => filling.back,
                Slot::Action => filling.action,
                Slot::Value(name) => views::first(filling.values, name),
                Slot::Checked { field, value } => {
                    if filling
                        .values
                        .iter()
                        .any(|(name, held)| name == field && held == value)
                    {
                        html.push_str(" checked");
                    }
                    continue;
                }
            };
            // Writing to a String cannot fail.
            let _ = Html.write_escaped_str(&mut html, escaped);
        }
        Some(html)
    }

    /// Splits rendered HTML at its marks; `None` if a mark is missing or
    /// broken, or the text holds a stray mark character.
    fn parse(html: &str, slots: Vec<Slot>) -> Option<Self> {
        let mut parts = Vec::new();
        let mut used = vec![false; slots.len()];
        let mut rest = html;
        while let Some(start) = rest.find(MARK_START) {
            let text = &rest[..start];
            let after = &rest[start + MARK_START.len_utf8()..];
            let end = after.find(MARK_END)?;
            let slot: usize = after[..end].parse().ok()?;
            if text.contains(MARK_END) || slot >= slots.len() {
                return None;
            }
            used[slot] = true;
            parts.push((text.to_owned(), Some(slot)));
            rest = &after[end + MARK_END.len_utf8()..];
        }
        if rest.contains(MARK_END) {
            return None;
        }
        parts.push((rest.to_owned(), None));
        // Every slot of a kind the template always shows must be in the page.
        let always = |slot: &Slot| matches!(slot, Slot::Organisation | Slot::Back | Slot::Action);
        if slots.iter().zip(&used).any(|(slot, used)| always(slot) && !used) {
            return None;
        }
        let len = parts.iter().map(|(text, _)| text.len()).sum();
        Some(Self { parts, slots, len })
    }
}

/// Renders page `page_index` of `survey` in `lang` once, with marks.
fn render(survey: &Survey, page_index: usize, lang: &'static str) -> Option<FixedPage> {
    let page = survey.pages.get(page_index)?;
    let mut marks = Marks::default();
    let organisation = mark(marks.add(Slot::Organisation));
    let back = mark(marks.add(Slot::Back));
    let action = mark(marks.add(Slot::Action));
    let title = survey.text(lang, &page.title);
    let questions = page
        .questions
        .iter()
        .map(|question| QuestionView::new(survey, question, lang, &mut marks, None))
        .collect();
    let view = views::QuestionPage {
        chrome: Chrome::new(lang, title.clone(), &organisation, "", ""),
        heading: title,
        back,
        action,
        errors: Vec::new(),
        questions,
    };
    let html = match view.render() {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, survey = %survey.label(), page = %page.id, "survey page does not render");
            return None;
        }
    };
    let fixed = FixedPage::parse(&html, marks.slots);
    if fixed.is_none() {
        tracing::warn!(survey = %survey.label(), page = %page.id, lang, "survey page kept no fixed HTML; rendered each time");
    }
    fixed
}

/// Per shipped survey (in the catalogue's order), per page, per language.
type Pages = Vec<Vec<Vec<OnceLock<Option<FixedPage>>>>>;

/// The fixed HTML of page `page_index` of a shipped survey in `lang`, rendered
/// on first use; `None` for a survey that is not shipped or a page that cannot
/// be kept (then the template renders it each time).
pub fn page(survey: &Survey, page_index: usize, lang: &'static str) -> Option<&'static FixedPage> {
    static PAGES: OnceLock<Pages> = OnceLock::new();
    let catalogue = onward_survey::shipped().ok()?;
    let pages = PAGES.get_or_init(|| {
        catalogue
            .all()
            .iter()
            .map(|survey| {
                survey
                    .pages
                    .iter()
                    .map(|_| LANGUAGES.iter().map(|_| OnceLock::new()).collect())
                    .collect()
            })
            .collect()
    });
    let shipped = catalogue
        .all()
        .iter()
        .position(|known| std::ptr::eq(known, survey))?;
    let language = LANGUAGES.iter().position(|code| *code == lang)?;
    pages
        .get(shipped)?
        .get(page_index)?
        .get(language)?
        .get_or_init(|| render(survey, page_index, lang))
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(survey: &Survey, page_index: usize, lang: &'static str, filling: &Filling<'_>) -> String {
        let page = &survey.pages[page_index];
        let title = survey.text(lang, &page.title);
        views::QuestionPage {
            chrome: Chrome::new(lang, title.clone(), filling.organisation, "", ""),
            heading: title,
            back: filling.back.to_owned(),
            action: filling.action.to_owned(),
            errors: Vec::new(),
            questions: page
                .questions
                .iter()
                .map(|question| QuestionView::new(survey, question, lang, filling.values, None))
                .collect(),
        }
        .render()
        .expect("the page renders")
    }

    /// Values for every field of a page: the first option of each choice
    /// (and the last of a multiple choice), a date, and text that needs escaping.
    fn values_for(survey: &Survey, page_index: usize) -> Vec<(String, String)> {
        let mut values = Vec::new();
        for question in &survey.pages[page_index].questions {
            let id = &question.id;
            if let Some(option) = question.options.first() {
                values.push((id.clone(), option.value.clone()));
            }
            if let Some(option) = question.options.last() {
                values.push((id.clone(), option.value.clone()));
            }
            values.push((id.clone(), "<b>\"O'Neil & Sons\"</b>".to_owned()));
            values.push((format!("{id}-day"), "7".to_owned()));
            values.push((format!("{id}-month"), "<3".to_owned()));
            values.push((format!("{id}-year"), "2025".to_owned()));
            values.push((id.clone(), "4".to_owned()));
        }
        values
    }

    #[test]
    fn every_shipped_page_fills_in_to_what_the_template_renders() {
        let catalogue = onward_survey::shipped().expect("the shipped surveys load");
        let organisation = "Ysgol \"Glan\" & <Co>";
        let mut pages = 0;
        for survey in catalogue.all() {
            for page_index in 0..survey.pages.len() {
                for lang in LANGUAGES.iter().copied() {
                    let fixed = page(survey, page_index, lang)
                        .unwrap_or_else(|| panic!("{} page {page_index} in {lang} is kept", survey.label()));
                    for values in [Vec::new(), values_for(survey, page_index)] {
                        let filling = Filling {
                            organisation,
                            back: "/s/abc_DEF-123/p/before?lang=cy&x=<y>",
                            action: "/s/abc_DEF-123/p/this?lang=cy",
                            values: &values,
                        };
                        assert_eq!(
                            fixed.fill(&filling).expect("an organisation name"),
                            rendered(survey, page_index, lang, &filling),
                            "{} page {page_index} in {lang}",
                            survey.label()
                        );
                    }
                    pages += 1;
                }
            }
        }
        assert!(pages > 0);
    }

    #[test]
    fn a_blank_organisation_name_is_left_to_the_template() {
        let survey = &onward_survey::shipped().expect("surveys").all()[0];
        let fixed = page(survey, 0, "cy").expect("kept");
        let filling = Filling {
            organisation: "",
            back: "/s/t",
            action: "/s/t/p/a",
            values: &[],
        };
        assert!(fixed.fill(&filling).is_none());
    }

    #[test]
    fn a_stray_or_broken_mark_keeps_no_page() {
        let slots = || vec![Slot::Organisation];
        assert!(FixedPage::parse(&format!("<p>{}</p>", mark(0)), slots()).is_some());
        assert!(
            FixedPage::parse("<p>no mark</p>", slots()).is_none(),
            "a missing organisation"
        );
        assert!(FixedPage::parse(&format!("{}\u{E001}", mark(0)), slots()).is_none());
        assert!(FixedPage::parse(&format!("{}\u{E000}x", mark(0)), slots()).is_none());
        assert!(FixedPage::parse(&mark(3), slots()).is_none());
    }
}
