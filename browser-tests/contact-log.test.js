// Logging a contact by hand on the learner record (issue 15), in real Chromium
// with axe checks: a tutor opens one of their learners, is told what is
// missing, then logs a letter sent, and finds it on the record's timeline.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startOnward, launchBrowser, expectNoAxeViolations, signIn, newPage } from './harness.js';

for (const backend of backends()) {
  describe(`contact log on ${backend}`, () => {
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

    test('a tutor logs a letter sent and sees it on the timeline', async () => {
      const page = await newPage(browser);
      await signIn(page, onward.baseUrl, 'tutor@northfield.example');
      await page.goto(`${onward.baseUrl}/learners`);
      await page.locator('tbody tr th a').first().click();
      await page.getByRole('heading', { name: 'Timeline' }).waitFor();
      await page.getByRole('link', { name: 'Log a contact' }).click();
      await page.getByRole('heading', { name: 'Log a contact', level: 1 }).waitFor();
      await expectNoAxeViolations(page, assert);

      // Nothing chosen: the error summary names what is missing.
      await page.getByRole('button', { name: 'Save contact' }).click();
      const summary = page.locator('.govuk-error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /Choose how the contact was made/);
      assert.match(await summary.innerText(), /Choose what happened/);
      assert.match(await page.title(), /^Error: /);
      await expectNoAxeViolations(page, assert);

      await page.getByLabel('Letter', { exact: true }).check();
      await page.getByLabel('We contacted the learner').check();
      await page.getByLabel('Sent, no reply yet').check();
      await page.getByLabel('Notes (optional)').fill('Survey letter posted to the home address');
      await page.getByRole('button', { name: 'Save contact' }).click();

      await page.getByRole('heading', { name: 'Timeline' }).waitFor();
      const timeline = await page.locator('.onward-timeline').innerText();
      assert.match(timeline, /Letter: Sent, no reply yet/);
      assert.match(timeline, /Survey letter posted to the home address/);
      await expectNoAxeViolations(page, assert);
      await page.close();
    });
  });
}
