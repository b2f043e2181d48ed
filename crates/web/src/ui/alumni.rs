//! The alumni list (`/alumni`: filter by programme, leaving year and sector,
//! paged; CSV and XLSX exports for events, mentoring and careers talks, every
//! cell spreadsheet-safe) and success-story moderation (`/stories`: approve,
//! edit, withdraw; `/stories/approved`: the only place stories are shown).
//! Who is on the list, and why, is `repo::alumni`'s rule. Views, exports and
//! each moderation are audited.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onward_domain::export::spreadsheet_safe;
use onward_domain::programme::SectorSubjectArea;
use onward_storage::ProgrammeId;
use onward_storage::repo::alumni::{
    AlumniChoices, AlumniFilter, AlumniMember, Moderation, ModerationError, Story, StoryStatus, alumni,
    moderate_story, stories, story_exists,
};
use serde::Deserialize;

use super::chrome::{Chrome, localised};
use super::download::CsvDownload;
use super::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

localised! {
    AlumniPage => chrome.tr;
    StoriesPage => chrome.tr;
    ApprovedStoriesPage => chrome.tr;
}

const PAGE_SIZE: usize = 25;
/// The longest story text staff may save.
const MAX_STORY: usize = 4000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alumni", get(alumni_page))
        .route("/alumni.csv", get(export_csv))
        .route("/alumni.xlsx", get(export_xlsx))
        .route("/stories", get(stories_page))
        .route("/stories/approved", get(approved_stories))
        .route("/stories/{id}", post(moderate))
}

#[derive(Deserialize, Default, Clone, Debug)]
struct AlumniParams {
    #[serde(default)]
    programme: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    page: String,
}

impl AlumniParams {
    fn filter(&self) -> AlumniFilter {
        AlumniFilter {
            programme: self.programme.trim().parse().ok().map(ProgrammeId),
            leaving_year: self
                .year
                .trim()
                .parse()
                .ok()
                .filter(|year| (1900..=2200).contains(year)),
            sector: SectorSubjectArea::from_code(self.sector.trim()),
        }
    }

    /// The filter as a query string (for the exports and page links).
    fn query(&self) -> String {
        let filter = self.filter();
        let mut parts = Vec::new();
        if let Some(programme) = filter.programme {
            parts.push(format!("programme={}", programme.0));
        }
        if let Some(year) = filter.leaving_year {
            parts.push(format!("year={year}"));
        }
        if let Some(sector) = filter.sector {
            parts.push(format!("sector={}", sector.code()));
        }
        parts.join("&")
    }

    fn describe(&self) -> String {
        let query = self.query();
        if query.is_empty() { "all".to_owned() } else { query }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "alumni/alumni.html")]
struct AlumniPage {
    chrome: Chrome,
    filter: AlumniFilter,
    choices: AlumniChoices,
    members: Vec<AlumniMember>,
    total: usize,
    page: usize,
    pages: usize,
    query: String,
}

impl AlumniPage {
    fn page_href(&self, page: usize) -> String {
        if self.query.is_empty() {
            format!("/alumni?page={page}")
        } else {
            format!("/alumni?{}&page={page}", self.query)
        }
    }

    fn export_href(&self, extension: &str) -> String {
        if self.query.is_empty() {
            format!("/alumni.{extension}")
        } else {
            format!("/alumni.{extension}?{}", self.query)
        }
    }

    fn is_programme(&self, id: &ProgrammeId) -> bool {
        self.filter.programme == Some(*id)
    }

    fn is_year(&self, year: &i32) -> bool {
        self.filter.leaving_year == Some(*year)
    }

    fn is_sector(&self, sector: &SectorSubjectArea) -> bool {
        self.filter.sector == Some(*sector)
    }
}

async fn alumni_page(staff: Staff, Query(params): Query<AlumniParams>) -> Result<AlumniPage, WebError> {
    let filter = params.filter();
    let (all, choices) = alumni(staff.conn(), staff.organisation(), &filter).await?;
    let total = all.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = params.page.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
    let members: Vec<AlumniMember> = all
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    // A list of named learners is a view of each of them.
    let shown: Vec<String> = members.iter().map(|m| m.learner.0.to_string()).collect();
    staff
        .audit_list_view(
            "alumni.view",
            "organisation",
            staff.organisation().0,
            format!("{}; page {page}; shown: {}", params.describe(), shown.join(" ")),
        )
        .await?;
    Ok(AlumniPage {
        chrome: staff.chrome("alumni").await?,
        filter,
        choices,
        members,
        total,
        page,
        pages,
        query: params.query(),
    })
}

const EXPORT_HEADER: [&str; 9] = [
    "Family name",
    "Given name",
    "Email",
    "Programmes",
    "Leaving year",
    "Sector",
    "Doing now",
    "Employer",
    "Joined the alumni list",
];

fn export_row(member: &AlumniMember) -> [String; 9] {
    [
        member.family_name.clone(),
        member.given_name.clone(),
        member.email.clone().unwrap_or_default(),
        member.programmes.join("; "),
        member.leaving_year.map(|y| y.to_string()).unwrap_or_default(),
        member.sector.map(|s| s.label().to_owned()).unwrap_or_default(),
        member.current.map(|c| c.label().to_owned()).unwrap_or_default(),
        member.employer.clone().unwrap_or_default(),
        member.opted_in_at.format("%d/%m/%Y").to_string(),
    ]
}

/// The whole filtered list, audited as an export of each learner on it.
async fn export_members(
    staff: &Staff,
    params: &AlumniParams,
    format: &str,
) -> Result<Vec<AlumniMember>, WebError> {
    let (members, _) = alumni(staff.conn(), staff.organisation(), &params.filter()).await?;
    let learners: Vec<String> = members.iter().map(|m| m.learner.0.to_string()).collect();
    staff
        .audit_list_view(
            "alumni.exported",
            "organisation",
            staff.organisation().0,
            format!(
                "{format}; {}; {} learners: {}",
                params.describe(),
                members.len(),
                learners.join(" ")
            ),
        )
        .await?;
    Ok(members)
}

async fn export_csv(staff: Staff, Query(params): Query<AlumniParams>) -> Result<Response, WebError> {
    let members = export_members(&staff, &params, "csv").await?;
    let mut file = CsvDownload::new(&EXPORT_HEADER)?;
    for member in &members {
        file.row(export_row(member))?;
    }
    file.into_response("alumni.csv")
}

async fn export_xlsx(staff: Staff, Query(params): Query<AlumniParams>) -> Result<Response, WebError> {
    let members = export_members(&staff, &params, "xlsx").await?;
    let internal = |err: rust_xlsxwriter::XlsxError| WebError::Internal(err.into());
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Alumni").map_err(internal)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (column, title) in EXPORT_HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(0, column as u16, *title, &bold)
            .map_err(internal)?;
    }
    for (row, member) in members.iter().enumerate() {
        for (column, cell) in export_row(member).iter().enumerate() {
            // Strings are never formulas in XLSX; the same safe text as the
            // CSV keeps both files alike when one is saved as the other.
            sheet
                .write_string(row as u32 + 1, column as u16, spreadsheet_safe(cell))
                .map_err(internal)?;
        }
    }
    let body = workbook.save_to_buffer().map_err(internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"alumni.xlsx\""),
            ),
        ],
        body,
    )
        .into_response())
}

// ------------------------------------------------------------- stories

#[derive(Template, WebTemplate)]
#[template(path = "alumni/stories.html")]
struct StoriesPage {
    chrome: Chrome,
    /// Waiting, approved and withdrawn stories, in that order.
    sections: Vec<StorySection>,
    problem: Option<(i64, String)>,
}

struct StorySection {
    heading: &'static str,
    stories: Vec<Story>,
}

impl StoriesPage {
    fn problem_for(&self, id: &i64) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|(story, _)| story == id)
            .map(|(_, message)| message.as_str())
    }
}

async fn stories_list(staff: &Staff, problem: Option<(i64, String)>) -> Result<StoriesPage, WebError> {
    let all = stories(staff.conn(), staff.organisation(), None).await?;
    staff
        .audit_list_view(
            "stories.view",
            "organisation",
            staff.organisation().0,
            format!("{} stories", all.len()),
        )
        .await?;
    let (mut pending, mut approved, mut withdrawn) = (Vec::new(), Vec::new(), Vec::new());
    for story in all {
        match story.status {
            StoryStatus::Pending => pending.push(story),
            StoryStatus::Approved => approved.push(story),
            StoryStatus::Withdrawn => withdrawn.push(story),
        }
    }
    Ok(StoriesPage {
        chrome: staff.chrome("alumni").await?,
        sections: vec![
            StorySection {
                heading: "stories-pending",
                stories: pending,
            },
            StorySection {
                heading: "stories-approved",
                stories: approved,
            },
            StorySection {
                heading: "stories-withdrawn",
                stories: withdrawn,
            },
        ],
        problem,
    })
}

async fn stories_page(staff: Staff) -> Result<StoriesPage, WebError> {
    stories_list(&staff, None).await
}

#[derive(Deserialize, Default)]
struct ModerationFields {
    #[serde(default)]
    action: String,
    #[serde(default)]
    text: String,
}

async fn moderate(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<ModerationFields>,
) -> Result<Response, WebError> {
    if !story_exists(staff.conn(), staff.organisation(), id).await? {
        return Err(WebError::NotFound);
    }
    let text = fields.text.trim().replace("\r\n", "\n");
    let tr = staff.chrome("alumni").await?.tr;
    let text_problem = if text.is_empty() {
        Some(tr.t("stories-error-empty"))
    } else if text.chars().count() > MAX_STORY {
        Some(tr.t_with("stories-error-too-long", &[("max", &MAX_STORY.to_string())]))
    } else {
        None
    };
    let moderation = match fields.action.as_str() {
        "approve" | "edit" if text_problem.is_some() => {
            let page = stories_list(&staff, Some((id, text_problem.unwrap_or_default()))).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        "approve" => Moderation::Approve { text },
        "edit" => Moderation::Edit { text },
        "withdraw" => Moderation::Withdraw,
        _ => return Ok(StatusCode::BAD_REQUEST.into_response()),
    };
    let write = staff.write().await?;
    match moderate_story(&write, id, &moderation, Some(staff.user.id)).await {
        Ok(()) => write.commit().await?,
        Err(ModerationError::NoPermissionToPublish) => {
            drop(write);
            let page = stories_list(&staff, Some((id, tr.t("stories-error-no-permission")))).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(ModerationError::Storage(err)) => return Err(err.into()),
    }
    Ok(Redirect::to("/stories").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "alumni/approved.html")]
struct ApprovedStoriesPage {
    chrome: Chrome,
    stories: Vec<Story>,
}

async fn approved_stories(staff: Staff) -> Result<ApprovedStoriesPage, WebError> {
    Ok(ApprovedStoriesPage {
        stories: stories(staff.conn(), staff.organisation(), Some(StoryStatus::Approved)).await?,
        chrome: staff.chrome("alumni").await?,
    })
}
