// Takes screenshots of Onward pages for the user guide: node browser-tests/screenshot.js
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOnward, launchBrowser, newPage, signIn } from './harness.js';

const out = new URL('../docs/images/', import.meta.url).pathname;
const onward = await startOnward('sqlite');
const browser = await launchBrowser();
try {
  const page = await newPage(browser, { viewport: { width: 1100, height: 800 } });
  await page.goto(`${onward.baseUrl}/login`);
  await page.screenshot({ path: `${out}sign-in.png` });
  await signIn(page, onward.baseUrl, 'progression.lead@northfield.example');
  await page.getByRole('heading', { name: 'Cohorts', level: 1 }).waitFor();
  await page.screenshot({ path: `${out}cohorts.png`, fullPage: true });
  await page.goto(`${onward.baseUrl}/learners?q=smith`);
  await page.screenshot({ path: `${out}learners.png` });
  await page.locator('tbody tr th a').first().click();
  await page.getByRole('heading', { name: 'Timeline' }).waitFor();
  await page.screenshot({ path: `${out}learner-record.png`, fullPage: true });
  await page.getByRole('link', { name: 'Add a contact detail' }).click();
  await page.getByLabel('Email', { exact: true }).check();
  await page.getByLabel('Email address, phone number or postal address').fill('not-an-email');
  await page.getByRole('button', { name: 'Save contact detail' }).click();
  await page.locator('.govuk-error-summary').waitFor();
  await page.screenshot({ path: `${out}contact-error.png` });
  // Outreach: a contact logged by hand (docs/outreach.md).
  await page.goto(`${onward.baseUrl}/learners?q=smith`);
  await page.locator('tbody tr th a').first().click();
  await page.getByRole('link', { name: 'Log a contact' }).click();
  await page.getByLabel('Letter', { exact: true }).check();
  await page.getByLabel('Sent, no reply yet').check();
  await page.getByLabel('Notes (optional)').fill('Survey letter posted to the home address');
  await page.screenshot({ path: `${out}contact-log.png`, fullPage: true });
  // Intentions and support (staff guide: intentions, September Guarantee, support).
  const adviser = await newPage(browser, { viewport: { width: 1100, height: 800 } });
  await signIn(adviser, onward.baseUrl, 'iag.adviser@salt-training.example');
  await adviser.getByRole('link', { name: 'Skills Bootcamp: Digital Marketing, Spring 2026' }).click();
  await adviser.getByRole('link', { name: 'Learners at risk' }).click();
  await adviser.screenshot({ path: `${out}at-risk.png` });
  await adviser.locator('tbody tr th a').first().click();
  await adviser.locator('#intentions').scrollIntoViewIfNeeded();
  await adviser.screenshot({ path: `${out}learner-support.png`, fullPage: true, clip: await adviser.locator('#intentions').evaluate(() => {
    const top = document.querySelector('#intentions').getBoundingClientRect().top + window.scrollY - 10;
    const bottom = document.querySelector('.onward-timeline')?.getBoundingClientRect().top + window.scrollY - 60;
    return { x: 0, y: top, width: 1100, height: Math.max(200, bottom - top) };
  }) });
  await adviser.goto(`${onward.baseUrl}/work`);
  await adviser.screenshot({ path: `${out}referrals-work.png` });
  // Calling learners and tracking plans (staff guide).
  const caller = await newPage(browser, { viewport: { width: 1100, height: 800 } });
  await signIn(caller, onward.baseUrl, 'progression.lead@salt-training.example');
  await caller.goto(`${onward.baseUrl}/work`);
  await caller.getByRole('link', { name: /Call these learners.*3–6 month follow-up/ }).click();
  await caller.getByRole('heading', { level: 1 }).waitFor();
  await caller.screenshot({ path: `${out}call-queue.png`, fullPage: true });
  const planner = await newPage(browser, { viewport: { width: 1100, height: 800 } });
  await signIn(planner, onward.baseUrl, 'admin@salt-training.example');
  await planner.goto(`${onward.baseUrl}/plans`);
  await planner.getByRole('link', { name: 'Adult provider 5-stage' }).click();
  await planner.getByRole('link', { name: /Edit.*12-month sustained check/ }).click();
  await planner.getByLabel('Days after it').fill('30');
  await planner.getByRole('button', { name: 'Save checkpoint' }).click();
  await planner.locator('.govuk-error-summary').waitFor();
  await planner.screenshot({ path: `${out}plan-error.png` });
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(phone, onward.baseUrl, 'admin@salt-training.example');
  await phone.screenshot({ path: `${out}cohorts-phone.png`, fullPage: true });
  // MIS import (docs/import.md): the upload page, the preview and a check with errors.
  const exportDir = mkdtempSync(join(tmpdir(), 'onward-screenshot-'));
  try {
    const file = join(exportDir, 'sims-export.csv');
    writeFileSync(file, [
      'ULN;Learner Ref;Forename;Surname;DOB;Course;Start date;Planned end date;Shoe size',
      '1000000043;IMP-0001;Ffion;Penhaligon;14/03/2009;A levels;01/09/2025;30/06/2027;5',
      '1000000051;IMP-0002;Idris;Trevelyan;31/02/2009;A levels;01/09/2025;30/06/2027;9',
      '1234567890;IMP-0003;Maelle;Achterberg;02/11/2008;BTEC Engineering;01/09/2025;30/06/2027;7',
      '1000000078;IMP-0004;Tamsin;Quiller;2009-05-21;BTEC Engineering;01/09/2025;30/06/2027;6',
    ].join('\r\n'));
    const admin = await newPage(browser, { viewport: { width: 1100, height: 800 } });
    await signIn(admin, onward.baseUrl, 'admin@northfield.example');
    await admin.goto(`${onward.baseUrl}/imports`);
    await admin.screenshot({ path: `${out}import-upload.png` });
    await admin.getByLabel('Choose the file').setInputFiles(file);
    await admin.getByRole('button', { name: 'Upload and preview' }).click();
    await admin.getByRole('heading', { name: 'Check the columns', level: 1 }).waitFor();
    await admin.screenshot({ path: `${out}import-preview.png`, fullPage: true });
    await admin.getByRole('button', { name: 'Check the whole file' }).click();
    await admin.getByRole('heading', { name: 'Check of the file', level: 1 }).waitFor();
    while ((await admin.locator('meta[http-equiv="refresh"]').count()) > 0) {
      await admin.waitForTimeout(500);
      await admin.getByRole('heading', { name: 'Check of the file', level: 1 }).waitFor();
    }
    await admin.evaluate(() => document.activeElement?.blur());
    await admin.screenshot({ path: `${out}import-check.png`, fullPage: true });
  } finally {
    rmSync(exportDir, { recursive: true, force: true });
  }
} finally {
  await browser.close();
  await onward.stop();
}
