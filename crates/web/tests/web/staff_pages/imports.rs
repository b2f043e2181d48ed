//! The Import page over HTTP: upload, preview with the detected mapping, a
//! check (dry run) in the background, confirm, and the limits.

use onward_domain::role::Role;
use onward_storage::ImportFileId;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::imports;
use onward_storage::repo::learners::count_learners;
use onward_test_support::{TestApp, TestDatabase, csrf_from};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use super::signed_in;

const FILE: &str = "Learner Ref;Forename;Surname;DOB;Course;Start date;Planned end date;Favourite colour\n\
                    N1;Ada;Lovelace;10/12/2009;A levels;01/09/2024;30/06/2026;green\n\
                    N2;Ben;O'Brien;31/02/2009;A levels;01/09/2024;30/06/2026;blue\n\
                    N3;<b>Cy</b>;Jones;01/03/2009;BTEC Sport;01/09/2024;30/06/2026;red\n";

async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let (_, page) = app.get_text("/imports").await;
    let csrf = csrf_from(&page).expect("csrf");
    let form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(bytes).file_name(name.to_owned()));
    app.visitor
        .client
        .post(app.url("/imports"))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Waits for the background worker to finish the run shown at `path`.
async fn finished_run_page(app: &TestApp, path: &str) -> String {
    for _ in 0..100 {
        let (status, page) = app.get_text(path).await;
        assert_eq!(status, StatusCode::OK);
        if !page.contains("http-equiv=\"refresh\"") {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the import at {path} did not finish in 10 s");
}

async fn an_admin_uploads_checks_and_imports_a_file(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::Admin).await;
    let response = upload(&app, "arbor.csv", FILE.as_bytes().to_vec()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let preview_path = location(&response);
    assert!(preview_path.starts_with("/imports/files/"), "{preview_path}");

    let (status, preview) = app.get_text(&preview_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(preview.contains("CSV (semicolon-separated)"), "{preview}");
    assert!(
        preview.contains("Cy") && !preview.contains("<b>Cy</b>"),
        "HTML in a cell is shown as text"
    );
    assert!(
        preview.contains("<option value=\"mis_id\" selected>"),
        "Learner Ref recognised"
    );
    let csrf = csrf_from(&preview).expect("csrf");
    let mapping = [
        ("column-0", "mis_id"),
        ("column-1", "given_name"),
        ("column-2", "family_name"),
        ("column-3", "date_of_birth"),
        ("column-4", "programme"),
        ("column-5", "start_date"),
        ("column-6", "planned_end_date"),
        ("column-7", ""),
    ];
    let mut fields: Vec<(&str, &str)> = mapping.to_vec();
    fields.extend([
        ("csrf", csrf.as_str()),
        ("on_error", "skip"),
        ("mapping_name", "Arbor"),
        ("action", "check"),
    ]);
    let response = app.post_form(&format!("{preview_path}/run"), &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let check = finished_run_page(&app, &location(&response)).await;
    assert!(check.contains("Nothing has been imported yet"), "{check}");
    assert!(
        check.contains("not a real date (no day 31 in month 2 of 2009)"),
        "{check}"
    );
    assert!(check.contains("Favourite colour"), "unrecognised column reported");
    assert_eq!(
        count_learners(app.db.conn(), org).await.expect("count"),
        0,
        "a check writes nothing"
    );

    let confirm_path = format!("{}/confirm", location(&response));
    let csrf = csrf_from(&check).expect("csrf");
    let response = app.post_form(&confirm_path, &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let done = finished_run_page(&app, &location(&response)).await;
    assert!(done.contains("The file was imported."), "{done}");
    assert_eq!(
        count_learners(app.db.conn(), org).await.expect("count"),
        2,
        "the bad row is skipped"
    );
    // The imported learners are in their cohort's lists at once (the rows the
    // lists read are written by the import batch).
    let cohorts = onward_storage::repo::cohorts::list_cohorts(app.db.conn(), org)
        .await
        .expect("cohorts");
    assert_eq!(cohorts.len(), 1, "the import made one cohort");
    let (_, unknowns) = app
        .get_text(&format!("/cohorts/{}/unknowns", cohorts[0].id))
        .await;
    assert!(
        unknowns.contains("Lovelace, Ada") && unknowns.contains("2 learners in this cohort"),
        "{unknowns}"
    );

    let (status, report) = app.get_text(&format!("{}/issues.csv", location(&response))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(report.starts_with("row,column,value,severity,reason"), "{report}");
    assert!(report.contains("3,D (DOB),31/02/2009,error"), "{report}");

    let (_, index) = app.get_text("/imports").await;
    assert!(
        index.contains("arbor.csv") && index.contains("Finished"),
        "{index}"
    );
    // The imported file was deleted; the mapping is offered for the next upload.
    let response = upload(&app, "arbor.csv", FILE.as_bytes().to_vec()).await;
    let (_, again) = app
        .get_text(&format!("{}?mapping=Arbor", location(&response)))
        .await;
    assert!(
        again.contains("<option value=\"Arbor\" selected>"),
        "the mapping was saved by name"
    );
}

async fn unusable_uploads_get_a_clear_message(db: TestDatabase) {
    let (app, _) = signed_in(db, Role::Admin).await;
    let response = upload(&app, "empty.csv", Vec::new()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.expect("body").contains("The file is empty"));
    let response = upload(&app, "", Vec::new()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Choose the file to import"),
        "no file chosen"
    );

    let huge = vec![b'a'; onward_web::UPLOAD_LIMIT_BYTES + 10];
    let response = upload(&app, "huge.csv", huge).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert!(
        page.contains("larger than 100 MB") && page.contains("onward import learners"),
        "{page}"
    );

    let response = upload(&app, "photo.xlsx", b"\x89PNG\r\n\x1a\n\0\0".to_vec()).await;
    let (_, preview) = app.get_text(&location(&response)).await;
    assert!(
        preview.contains("not a text or spreadsheet file (an image)"),
        "{preview}"
    );

    let response = upload(&app, "colours.csv", b"Colour,Shape\nred,square\n".to_vec()).await;
    let preview_path = location(&response);
    let (_, preview) = app.get_text(&preview_path).await;
    assert!(preview.contains("no column is recognised"), "{preview}");
    let csrf = csrf_from(&preview).expect("csrf");
    let response = app
        .post_form(
            &format!("{preview_path}/run"),
            &[
                ("csrf", csrf.as_str()),
                ("column-0", ""),
                ("column-1", ""),
                ("on_error", "skip"),
                ("action", "import"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing queued without names and an id"
    );
}

async fn only_administrators_import(db: TestDatabase) {
    let (app, _) = signed_in(db, Role::ProgressionLead).await;
    assert_eq!(app.get("/imports").await.status(), StatusCode::FORBIDDEN);
    let (_, home) = app.get_text("/").await;
    assert!(
        !home.contains("href=\"/imports\""),
        "no menu item without the permission"
    );
}

/// The issue's 1.7 KB XLSX: a cell at A1 and one at XFD1048576.
fn xlsx_bomb() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "ULN").expect("A1");
    sheet.write_string(1_048_575, 16_383, "x").expect("XFD1048576");
    workbook.save_to_buffer().expect("xlsx")
}

async fn an_xlsx_bomb_is_refused_on_the_preview_and_healthz_keeps_answering(db: TestDatabase) {
    let (app, _) = signed_in(db, Role::Admin).await;
    let response = upload(&app, "bomb.xlsx", xlsx_bomb()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let preview_path = location(&response);
    let health = app.new_client();
    let (preview, healthz) = tokio::join!(app.get_text(&preview_path), async {
        tokio::time::timeout(std::time::Duration::from_secs(5), health.get("/healthz")).await
    });
    let (status, page) = preview;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("A1:XFD1048576") && page.contains("at most 500 columns can be imported"),
        "{page}"
    );
    let healthz = healthz.expect("/healthz answers while the file is read");
    assert_eq!(healthz.status(), StatusCode::OK);
    assert_eq!(
        app.get("/healthz").await.status(),
        StatusCode::OK,
        "the server is still up"
    );
}

async fn a_200000_column_csv_gets_a_short_refusal_instead_of_a_huge_preview(db: TestDatabase) {
    let (app, _) = signed_in(db, Role::Admin).await;
    let header: Vec<String> = (0..200_000).map(|n| format!("col{n}")).collect();
    let file = format!("{}\n1,2\n", header.join(","));
    assert!(file.len() > 1_700_000, "{} bytes", file.len());
    let response = upload(&app, "wide.csv", file.into_bytes()).await;
    let (status, page) = app.get_text(&location(&response)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("the file has 200000 columns; at most 500 can be imported"),
        "{page}"
    );
    assert!(page.len() < 50_000, "the page is {} bytes", page.len());
}

async fn an_upload_is_stored_in_chunks_and_previewed(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::Admin).await;
    let mut file = String::from("Learner Ref,Forename,Surname,Notes\n");
    let notes = "n".repeat(500);
    for n in 0..6_000 {
        file.push_str(&format!("L{n},Lee,Row{n},{notes}\n"));
    }
    let response = upload(&app, "big.csv", file.clone().into_bytes()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let preview_path = location(&response);
    let id: i64 = preview_path
        .trim_start_matches("/imports/files/")
        .parse()
        .expect("file id");
    let stored = imports::file(app.db.conn(), org, ImportFileId(id))
        .await
        .expect("file");
    assert_eq!(stored.size, file.len() as u64);
    let mut chunks = 0;
    let mut content = Vec::new();
    while let Some(chunk) = imports::file_chunk(app.db.conn(), org, ImportFileId(id), chunks)
        .await
        .expect("chunk")
    {
        assert!(chunk.len() <= imports::FILE_CHUNK_BYTES);
        content.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert_eq!(chunks, 3, "a 3 MB upload is three 1 MB chunks");
    assert!(content == file.as_bytes(), "the chunks are the file");
    let (status, preview) = app.get_text(&preview_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(preview.contains("Row4"), "the preview reads the stored file");
}

async fn an_import_deletes_its_uploaded_file_and_the_pages_say_so(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::Admin).await;
    let (_, index) = app.get_text("/imports").await;
    assert!(
        index.contains("Onward deletes it as soon as it has been imported, or 24 hours after upload"),
        "{index}"
    );
    let response = upload(&app, "arbor.csv", FILE.as_bytes().to_vec()).await;
    let preview_path = location(&response);
    let (_, preview) = app.get_text(&preview_path).await;
    assert!(preview.contains("or 24 hours after upload"), "{preview}");
    let csrf = csrf_from(&preview).expect("csrf");
    let response = app
        .post_form(
            &format!("{preview_path}/run"),
            &[
                ("csrf", csrf.as_str()),
                ("column-0", "mis_id"),
                ("column-1", "given_name"),
                ("column-2", "family_name"),
                ("column-3", "date_of_birth"),
                ("on_error", "skip"),
                ("action", "import"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let done = finished_run_page(&app, &location(&response)).await;
    assert!(done.contains("The file was imported."), "{done}");
    let id: i64 = preview_path
        .trim_start_matches("/imports/files/")
        .parse()
        .expect("file id");
    assert_eq!(
        imports::file_chunk(app.db.conn(), org, ImportFileId(id), 0)
            .await
            .expect("chunk"),
        None,
        "the content is gone"
    );
    let (status, again) = app.get_text(&preview_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        again.contains("The uploaded file was deleted on") && !again.contains("Lovelace"),
        "{again}"
    );
}

async fn the_preview_and_the_issues_csv_are_audited_as_views_of_personal_data(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::Admin).await;
    let response = upload(&app, "arbor.csv", FILE.as_bytes().to_vec()).await;
    let preview_path = location(&response);
    let id: i64 = preview_path
        .trim_start_matches("/imports/files/")
        .parse()
        .expect("file id");
    let views = || count_audit_events(app.db.conn(), org, "import_file.view", Some(id));
    assert_eq!(views().await.expect("count"), 0);
    let (_, preview) = app.get_text(&preview_path).await;
    assert!(preview.contains("Lovelace"));
    assert_eq!(
        views().await.expect("count"),
        1,
        "the preview shows learners' rows"
    );
    let csrf = csrf_from(&preview).expect("csrf");
    let response = app
        .post_form(
            &format!("{preview_path}/run"),
            &[
                ("csrf", csrf.as_str()),
                ("column-0", "mis_id"),
                ("column-1", "given_name"),
                ("column-2", "family_name"),
                ("column-3", "date_of_birth"),
                ("on_error", "skip"),
                ("action", "check"),
            ],
        )
        .await;
    let run_path = location(&response);
    finished_run_page(&app, &run_path).await;
    let run: i64 = run_path
        .trim_start_matches("/imports/runs/")
        .parse()
        .expect("run id");
    let (status, report) = app.get_text(&format!("{run_path}/issues.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(report.contains("31/02/2009"), "{report}");
    assert_eq!(
        count_audit_events(app.db.conn(), org, "import_run.issues_export", Some(run))
            .await
            .expect("count"),
        1,
        "the issues CSV quotes the file's values"
    );
}

onward_test_support::on_both_backends!(
    an_admin_uploads_checks_and_imports_a_file,
    unusable_uploads_get_a_clear_message,
    only_administrators_import,
    an_xlsx_bomb_is_refused_on_the_preview_and_healthz_keeps_answering,
    a_200000_column_csv_gets_a_short_refusal_instead_of_a_huge_preview,
    an_upload_is_stored_in_chunks_and_previewed,
    an_import_deletes_its_uploaded_file_and_the_pages_say_so,
    the_preview_and_the_issues_csv_are_audited_as_views_of_personal_data,
);
