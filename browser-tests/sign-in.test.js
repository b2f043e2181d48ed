// Sign-in journeys in real Chromium, on SQLite and PostgreSQL.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';

for (const backend of backends()) {
  describe(`sign-in on ${backend}`, () => {
    let onward;
    let browser;
    before(async () => {
      onward = await startOnward(backend);
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await onward?.stop();
    });

    test('the sign-in page is accessible', async () => {
      const page = await newPage(browser);
      await page.goto(`${onward.baseUrl}/login`);
      assert.equal(await page.title(), 'Sign in – Onward');
      await expectNoAxeViolations(page, assert);
      await page.close();
    });

    test('a wrong password shows the error summary', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'admin@northfield.example', 'wrong password');
      const summary = page.locator('.govuk-error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /Enter a correct email address and password/);
      assert.match(await page.title(), /^Error: /);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });

    test('signing in shows the cohorts, and signing out ends the session', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'progression.lead@northfield.example');
      await page.getByRole('heading', { name: 'Cohorts', level: 1 }).waitFor();
      const table = await page.locator('table').innerText();
      assert.match(table, /Year 11 leavers 2026\s+180/);
      assert.match(table, /Year 13 leavers 2026\s+120/);
      await expectNoAxeViolations(page, assert);
      await page.getByRole('button', { name: /Sign out/ }).click();
      await page.getByRole('heading', { name: 'Sign in to Onward' }).waitFor();
      await page.goto(`${onward.baseUrl}/`);
      assert.match(page.url(), /\/login$/);
      await page.close();
    });

    test('the home page works on a 390 px wide phone', async () => {
      const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
      await signIn(page, onward.baseUrl, 'admin@salt-training.example');
      await page.getByRole('heading', { name: 'Cohorts', level: 1 }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });
  });
}
