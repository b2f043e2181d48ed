// The MIS import in real Chromium with axe checks: an admin uploads a
// semicolon-separated export, checks the detected columns and the first rows,
// checks the whole file (a dry run that imports nothing) and reads the error
// table, imports the file and finds an imported learner; a PNG renamed .csv
// is refused with a clear message, and so is an upload with no file; columns
// are adjusted, a saved mapping is reused and a file with errors is refused
// whole; a check's summary counts every warning it lists; the Import page
// works on a phone.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';

// Row 1 is the header; rows 2 and 5 import, row 3 has an impossible date of
// birth and row 4 a ULN whose check digit is wrong; "Shoe size" is not recognised.
const EXPORT = [
  'ULN;Learner Ref;Forename;Surname;DOB;Course;Start date;Planned end date;Shoe size',
  '1000000043;IMP-0001;Ffion;Penhaligon;14/03/2009;A levels;01/09/2025;30/06/2027;5',
  '1000000051;IMP-0002;Idris;Trevelyan;31/02/2009;A levels;01/09/2025;30/06/2027;9',
  '1234567890;IMP-0003;Maelle;Achterberg;02/11/2008;BTEC Engineering;01/09/2025;30/06/2027;7',
  '1000000078;IMP-0004;Tamsin;Quiller;2009-05-21;BTEC Engineering;01/09/2025;30/06/2027;6',
].join('\r\n');

// Good rows and one with an impossible date: refused whole when asked to.
const REFUSED_EXPORT = [
  'ULN;Learner Ref;Forename;Surname;DOB;Course;Start date;Planned end date;Shoe size',
  '1000000086;IMP-0101;Bronwen;Carrow;03/04/2009;A levels;01/09/2025;30/06/2027;4',
  '1000000094;IMP-0102;Kenver;Rosewarne;30/02/2009;A levels;01/09/2025;30/06/2027;8',
].join('\r\n');

// The eight-byte PNG signature and the start of an IHDR chunk.
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
]);

/** Waits until the run page stops refreshing itself (the run is over). */
async function waitForRun(page) {
  await page.getByRole('heading', { level: 1, name: /^(Check of the file|Import)$/ }).waitFor();
  for (let tries = 0; tries < 120; tries += 1) {
    const refreshing = await page.locator('meta[http-equiv="refresh"]').count().catch(() => 1);
    const over = refreshing === 0 && (await page.locator('dl.govuk-summary-list').count().catch(() => 0)) > 0;
    if (over) return;
    await page.waitForTimeout(500);
  }
  assert.fail(`the run at ${page.url()} was still going after 60 s`);
}

/** The value of a summary-list row on the run page. */
async function summary(page, key) {
  const row = page.locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: new RegExp(`^${key}$`) }) });
  return (await row.locator('dd').innerText()).trim();
}

for (const backend of backends()) {
  describe(`MIS import on ${backend}`, () => {
    let onward;
    let browser;
    let dir;
    before(async () => {
      onward = await startOnward(backend);
      browser = await launchBrowser();
      dir = mkdtempSync(join(tmpdir(), 'onward-import-'));
    });
    after(async () => {
      await browser?.close();
      await onward?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('an admin previews, checks and imports an MIS export, then finds an imported learner', async () => {
      const file = join(dir, 'sims-export.csv');
      writeFileSync(file, EXPORT);
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'admin@northfield.example');
      await page.getByRole('link', { name: 'Import', exact: true }).click();
      await page.getByRole('heading', { name: 'Import learners', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);

      await page.getByLabel('Choose the file').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and preview' }).click();
      await page.getByRole('heading', { name: 'Check the columns', level: 1 }).waitFor();
      assert.match(await page.locator('main').innerText(), /Read as CSV \(semicolon-separated\)/);
      // The detected mapping: one select per column, unrecognised ones "Not imported".
      const expected = ['uln', 'mis_id', 'given_name', 'family_name', 'date_of_birth', 'programme', 'start_date', 'planned_end_date', ''];
      for (const [index, field] of expected.entries()) {
        assert.equal(await page.locator(`#column-${index}`).inputValue(), field, `column ${index} maps to "${field}"`);
      }
      assert.equal(await page.getByLabel('B: Learner Ref').inputValue(), 'mis_id');
      assert.equal(await page.getByLabel('I: Shoe size').locator('option:checked').innerText(), 'Not imported');
      // The first rows, as in the file.
      const rows = page.locator('table.onward-preview tbody tr');
      assert.equal(await rows.count(), 4);
      assert.deepEqual((await rows.first().locator('td').allInnerTexts()).map((t) => t.trim()),
        ['1000000043', 'IMP-0001', 'Ffion', 'Penhaligon', '14/03/2009', 'A levels', '01/09/2025', '30/06/2027', '5']);
      assert.ok(await page.getByLabel('Import the other rows and report the rows with errors').isChecked(), 'skip is the default');
      await expectNoAxeViolations(page, assert);
      await page.getByLabel('Save these columns as (optional)').fill('SIMS');

      // Check the whole file: a dry run that names each problem and imports nothing.
      await page.getByRole('button', { name: 'Check the whole file' }).click();
      await waitForRun(page);
      assert.equal(await page.locator('h1').innerText(), 'Check of the file');
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The file was checked\. Nothing has been imported yet\./);
      assert.equal(await summary(page, 'Rows read'), '4');
      assert.equal(await summary(page, 'Rows skipped'), '2');
      assert.equal(await summary(page, 'Errors'), '2');
      const issues = page.locator('table', { has: page.locator('th', { hasText: 'What is wrong' }) });
      const issueRows = await issues.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
      const dateError = issueRows.find((cells) => cells[0] === '3');
      assert.ok(dateError, `an issue on row 3 in ${JSON.stringify(issueRows)}`);
      assert.deepEqual(dateError.slice(0, 3), ['3', 'E (DOB)', '31/02/2009']);
      assert.match(dateError[3], /Error.*not a real date/);
      const ulnError = issueRows.find((cells) => cells[0] === '4');
      assert.ok(ulnError, `an issue on row 4 in ${JSON.stringify(issueRows)}`);
      assert.deepEqual(ulnError.slice(0, 3), ['4', 'A (ULN)', '1234567890']);
      assert.match(ulnError[3], /Error.*check digit/);
      const shoeSize = issueRows.find((cells) => cells[1] === 'Shoe size');
      assert.ok(shoeSize, `the unrecognised column is reported in ${JSON.stringify(issueRows)}`);
      assert.match(shoeSize[3], /Warning.*not recognised/);
      const download = page.getByRole('link', { name: 'Download them all (CSV)' });
      const report = await page.request.get(new URL(await download.getAttribute('href'), page.url()).href);
      assert.equal(report.status(), 200);
      assert.match(await report.text(), /^row,column,value,severity,reason\r?\n/);
      assert.match(await report.text(), /3,E \(DOB\),31\/02\/2009,error,/);
      await expectNoAxeViolations(page, assert);

      // Nothing was imported by the check.
      const search = await newPage(browser);
      await signIn(search, onward.baseUrl, 'admin@northfield.example');
      await search.goto(`${onward.baseUrl}/learners?q=Penhaligon`);
      assert.equal(await search.locator('tbody tr', { hasText: 'Penhaligon' }).count(), 0, 'the check imported nothing');
      await search.close();

      // Import for real with the same choices.
      await page.getByRole('button', { name: 'Import this file' }).click();
      await waitForRun(page);
      assert.equal(await page.locator('h1').innerText(), 'Import');
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The file was imported\./);
      assert.equal(await summary(page, 'Rows imported'), '2');
      assert.equal(await summary(page, 'Rows skipped'), '2');
      assert.match(await summary(page, 'Learners'), /^created 2, updated 0, unchanged 0$/);
      assert.match(await summary(page, 'Enrolments'), /^created 2,/);
      assert.equal(await page.getByRole('button', { name: 'Import this file' }).count(), 0);
      await expectNoAxeViolations(page, assert);

      // The imported learner is found by name; the rows with errors were not imported.
      await page.goto(`${onward.baseUrl}/learners?q=Penhaligon`);
      const found = page.locator('tbody tr', { hasText: 'Penhaligon' });
      assert.equal(await found.count(), 1, 'one learner called Penhaligon');
      await expectNoAxeViolations(page, assert);
      await page.goto(`${onward.baseUrl}/learners?q=Achterberg`);
      assert.equal(await page.locator('tbody tr', { hasText: 'Achterberg' }).count(), 0, 'the row with a bad ULN was skipped');
      await page.goto(`${onward.baseUrl}/learners?q=Penhaligon`);
      await page.locator('tbody tr', { hasText: 'Penhaligon' }).locator('th a').first().click();
      assert.match(await page.locator('h1').innerText(), /Ffion Penhaligon/);
      assert.match(await page.locator('main').innerText(), /1000000043/);
      await expectNoAxeViolations(page, assert);

      // Importing the same file again changes nothing.
      await page.getByRole('link', { name: 'Import', exact: true }).click();
      await page.getByLabel('Choose the file').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and preview' }).click();
      await page.getByRole('button', { name: 'Import now' }).click();
      await waitForRun(page);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The file was imported\./);
      assert.equal(await summary(page, 'Rows imported'), '2');
      assert.equal(await summary(page, 'Learners'), 'created 0, updated 0, unchanged 2');
      assert.equal(await summary(page, 'Enrolments'), 'created 0, updated 0, unchanged 2');

      // The runs are listed on the Import page.
      await page.getByRole('link', { name: 'Import', exact: true }).click();
      const recent = page.locator('table tbody tr', { hasText: 'sims-export.csv' });
      assert.equal(await recent.count(), 3, 'the check and the two imports are listed');
      assert.match(await recent.last().innerText(), /sims-export\.csv \(check only\)/);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });

    test('columns can be adjusted, a saved mapping reused, and a file with errors refused whole', async () => {
      const file = join(dir, 'arbor-export.csv');
      writeFileSync(file, REFUSED_EXPORT);
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'admin@northfield.example');
      await page.goto(`${onward.baseUrl}/imports`);
      await page.getByLabel('Choose the file').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and preview' }).click();
      await page.getByRole('heading', { name: 'Check the columns', level: 1 }).waitFor();
      // The mapping saved by the first journey is offered.
      const saved = page.getByLabel('Start from a saved mapping');
      assert.deepEqual(await saved.locator('option').allInnerTexts(), ['Recognised by Onward', 'SIMS']);
      await saved.selectOption('SIMS');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByRole('heading', { name: 'Check the columns', level: 1 }).waitFor();
      assert.equal(await page.getByLabel('Start from a saved mapping').inputValue(), 'SIMS');
      assert.equal(await page.locator('#column-1').inputValue(), 'mis_id');

      // A mapping without a forename column is refused before anything runs.
      await page.locator('#column-2').selectOption('');
      await page.getByRole('button', { name: 'Check the whole file' }).click();
      const problem = page.locator('.govuk-error-summary');
      await problem.waitFor();
      assert.match(await problem.innerText(), /Choose the columns to import: a column for the learner's forename is needed/);
      assert.match(await page.title(), /^Error: /);
      assert.equal(await page.locator('#column-2').inputValue(), '', 'the choice made is kept');
      await expectNoAxeViolations(page, assert);

      // Put it back and refuse the whole file if any row has an error.
      await page.locator('#column-2').selectOption('given_name');
      await page.getByLabel('Import nothing if any row has an error').check();
      await page.getByRole('button', { name: 'Import now' }).click();
      await waitForRun(page);
      assert.equal(await page.locator('h1').innerText(), 'Import');
      const refused = page.locator('.govuk-error-summary');
      assert.match(await refused.innerText(), /The file was not imported/);
      assert.match(await refused.innerText(), /errors were found and errors were set to refuse the whole file/);
      assert.equal(await summary(page, 'Status'), 'Refused');
      assert.equal(await summary(page, 'Rows imported'), '0');
      assert.equal(await page.getByRole('button', { name: 'Import this file' }).count(), 0);
      await expectNoAxeViolations(page, assert);
      await page.goto(`${onward.baseUrl}/learners?q=Carrow`);
      assert.equal(await page.locator('tbody tr', { hasText: 'Carrow' }).count(), 0, 'nothing from the refused file was imported');
      await page.close();
    });

    test('a picture renamed .csv is refused with a clear message', async () => {
      const file = join(dir, 'learners.csv');
      writeFileSync(file, PNG);
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'admin@northfield.example');
      await page.goto(`${onward.baseUrl}/imports`);
      await page.getByLabel('Choose the file').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and preview' }).click();
      await page.getByRole('heading', { name: 'Check the columns', level: 1 }).waitFor();
      const warning = await page.locator('.govuk-warning-text').innerText();
      assert.match(warning, /This file cannot be imported: this is not a text or spreadsheet file/);
      assert.match(warning, /export CSV or XLSX from your MIS/);
      assert.equal(await page.getByRole('button', { name: 'Check the whole file' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Import now' }).count(), 0);
      await expectNoAxeViolations(page, assert);
      await page.getByRole('link', { name: 'Upload another file' }).click();
      await page.getByRole('heading', { name: 'Import learners', level: 1 }).waitFor();
      await page.close();
    });

    test('uploading without choosing a file asks for one', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'admin@northfield.example');
      await page.goto(`${onward.baseUrl}/imports`);
      await page.getByRole('button', { name: 'Upload and preview' }).click();
      const errors = page.locator('.govuk-error-summary');
      await errors.waitFor();
      assert.match(await errors.innerText(), /Choose the file to import/);
      assert.match(await page.title(), /^Error: /);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });

    test('the summary of a check counts every warning its table lists', async () => {
      const file = join(dir, 'warnings.csv');
      writeFileSync(file, 'MIS id,Forename,Surname,DOB,Postcode,Shoe size\nW-1,Nia,Penrose,,NOT A POSTCODE,4\n');
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'admin@northfield.example');
      await page.goto(`${onward.baseUrl}/imports`);
      await page.getByLabel('Choose the file').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and preview' }).click();
      await page.getByRole('button', { name: 'Check the whole file' }).click();
      await waitForRun(page);
      const listed = await page.locator('tbody .govuk-tag', { hasText: /^Warning$/ }).count();
      assert.ok(listed >= 3, `the unrecognised column, the missing date of birth and the postcode are listed (${listed})`);
      assert.equal(await summary(page, 'Warnings'), String(listed), 'the Warnings count matches the warnings listed');
      assert.equal(await summary(page, 'Errors'), '0');
      await page.close();
    });

    test('the Import page and its preview work on a phone', async () => {
      const file = join(dir, 'phone-export.csv');
      writeFileSync(file, EXPORT);
      const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
      await signIn(page, onward.baseUrl, 'admin@northfield.example');
      await page.goto(`${onward.baseUrl}/imports`);
      await page.getByRole('heading', { name: 'Import learners', level: 1 }).waitFor();
      let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the Import page scrolls sideways by ${overflow}px`);
      await expectNoAxeViolations(page, assert);
      await page.getByLabel('Choose the file').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and preview' }).click();
      await page.getByRole('heading', { name: 'Check the columns', level: 1 }).waitFor();
      // The wide preview scrolls inside its own region, not the page.
      overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the preview page scrolls sideways by ${overflow}px`);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });
  });
}
