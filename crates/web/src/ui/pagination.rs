//! Numbered pages for the long lists (GOV.UK pagination component): the page
//! number arrives as `?page=N`, anything unreadable is page 1, and a number past
//! the end shows the last page (storage clamps it).

use onward_storage::repo::cohort_lists::{Page, PageRequest};
use serde::Deserialize;

/// The `?page=` of a list's URL. Kept as text so that a hostile value is
/// read as page 1 rather than refused.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    #[serde(default)]
    page: Option<String>,
}

impl PageQuery {
    /// The page asked for, `size` rows long.
    pub(crate) fn request(&self, size: u64) -> PageRequest {
        let number = self
            .page
            .as_deref()
            .and_then(|page| page.trim().parse::<u64>().ok())
            .unwrap_or(1);
        PageRequest::new(number, size)
    }
}

/// One entry of the list of page links: a page, or a gap (`number: None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PageLink {
    pub number: Option<u64>,
    pub href: String,
    pub current: bool,
}

/// What the pagination component shows under a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pagination {
    pub previous: Option<String>,
    pub next: Option<String>,
    pub links: Vec<PageLink>,
    /// The first and last row shown (1-based) and the size of the whole list.
    pub from: u64,
    pub to: u64,
    pub total: u64,
}

impl Pagination {
    /// Links to the pages of `page`'s list at `base` (a path without a query).
    pub(crate) fn new<T>(page: &Page<T>, base: &str) -> Self {
        let href = |number: u64| format!("{base}?page={number}");
        let last = page.pages();
        let current = page.number;
        // First, last, and the current page with its neighbours; a gap between.
        let mut shown: Vec<u64> = [
            1,
            current.saturating_sub(1),
            current,
            current.saturating_add(1),
            last,
        ]
        .into_iter()
        .filter(|number| (1..=last).contains(number))
        .collect();
        shown.sort_unstable();
        shown.dedup();
        let mut links = Vec::with_capacity(shown.len() * 2);
        let mut before = 0;
        for number in shown {
            if number > before + 1 {
                links.push(PageLink {
                    number: None,
                    href: String::new(),
                    current: false,
                });
            }
            links.push(PageLink {
                number: Some(number),
                href: href(number),
                current: number == current,
            });
            before = number;
        }
        let from = if page.total == 0 {
            0
        } else {
            (current - 1) * page.size + 1
        };
        Self {
            previous: (current > 1).then(|| href(current - 1)),
            next: (current < last).then(|| href(current + 1)),
            links,
            from,
            to: from.saturating_sub(1) + page.items.len() as u64,
            total: page.total,
        }
    }

    /// Whether the list has more than one page (the component is shown only then).
    pub(crate) fn is_needed(&self) -> bool {
        self.previous.is_some() || self.next.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(number: u64, total: u64) -> Page<()> {
        let size = 10;
        let shown = total.saturating_sub((number - 1) * size).min(size);
        Page {
            items: vec![(); shown as usize],
            number,
            size,
            total,
        }
    }

    fn numbers(pagination: &Pagination) -> Vec<Option<u64>> {
        pagination.links.iter().map(|link| link.number).collect()
    }

    #[test]
    fn shows_first_last_and_the_current_neighbourhood() {
        assert_eq!(
            numbers(&Pagination::new(&page(1, 95), "/x")),
            [Some(1), Some(2), None, Some(10)]
        );
        assert_eq!(
            numbers(&Pagination::new(&page(5, 95), "/x")),
            [Some(1), None, Some(4), Some(5), Some(6), None, Some(10)]
        );
        assert_eq!(
            numbers(&Pagination::new(&page(10, 95), "/x")),
            [Some(1), None, Some(9), Some(10)]
        );
        assert_eq!(
            numbers(&Pagination::new(&page(3, 30), "/x")),
            [Some(1), Some(2), Some(3)]
        );
        assert_eq!(
            numbers(&Pagination::new(&page(2, 30), "/x")),
            [Some(1), Some(2), Some(3)]
        );
    }

    #[test]
    fn a_huge_list_gives_a_handful_of_links() {
        let pagination = Pagination::new(&page(50_000, 1_000_000), "/x");
        assert!(pagination.links.len() <= 7, "{:?}", numbers(&pagination));
        assert_eq!(pagination.previous.as_deref(), Some("/x?page=49999"));
        assert_eq!(pagination.next.as_deref(), Some("/x?page=50001"));
        assert_eq!((pagination.from, pagination.to), (499_991, 500_000));
    }

    #[test]
    fn unreadable_page_numbers_are_page_one() {
        for raw in ["", "abc", "-3", "1e9", "99999999999999999999999"] {
            let query = PageQuery {
                page: Some(raw.to_owned()),
            };
            assert_eq!(query.request(25).number, 1, "{raw}");
        }
        assert_eq!(PageQuery::default().request(25).number, 1);
    }
}
